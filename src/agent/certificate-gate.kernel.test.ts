// The deployment gate on the real kernel (test VM): the real agent loads an
// object only when its certificate names the object's exact bytes and says
// every obligation is proved for this kernel. An object changed after it was
// certified (one byte of its DWARF strings, a section the loader never reads,
// so the object still loads) or a certificate made for another object is
// refused before anything is loaded, with an error naming the object; the
// operator's --allow-unverified loads it and logs it as an error; with the
// certificates `proofwall build --kernel-btf vm` made, it loads and enforces.
// The repository is read-only in the VM, so each change is made in a copy of
// build/bpf bind-mounted over it (in the VM only) and unmounted afterwards.
// (src/enforce/gate.test.ts and src/verifier/certificate/ test the same
// checks without a kernel.)
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { bpfObjectPath } from "../paths.js";
import { readSectionOfAnyElf } from "../verifier/elf/index.js";
import { certificatePath, checkCertificate } from "../verifier/certificate/index.js";
import { runningKernelBtfSha256 } from "../verifier/btf/index.js";
import { AgentHarness } from "./agent-harness.js";
import { denied, sh } from "../enforce/test-support.js";

requireTestVm();

const VICTIM = "enforce_net";
const objects = dirname(bpfObjectPath(VICTIM));
const victim = (dir: string) => join(dir, `${VICTIM}.bpf.o`);
const dir = mkdtempSync("/tmp/pw-cert-gate-");
chmodSync(dir, 0o755);
const secret = join(dir, "secret");
writeFileSync(secret, "x\n", { mode: 0o644 });
const policy = `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: cert-gate }
spec:
  mode: enforce
  rules:
    - { id: secret, action: deny, files: { paths: [${secret}], operations: [read] } }
`;
const harnesses: AgentHarness[] = [];

function run(command: string, ...args: string[]): void {
  const r = spawnSync(command, args, { encoding: "utf8" });
  assert.equal(r.status, 0, `${command} ${args.join(" ")}: ${r.stderr}`);
}

/** Runs `body` with build/bpf replaced, in this VM only, by a copy that `change` edited. */
async function withChangedObjects(
  change: (copy: string) => void,
  body: () => Promise<void>,
): Promise<void> {
  const copy = mkdtempSync("/tmp/pw-cert-objects-");
  cpSync(objects, copy, { recursive: true });
  change(copy);
  run("mount", "--bind", copy, objects);
  try {
    await body();
  } finally {
    run("umount", objects);
    rmSync(copy, { recursive: true, force: true });
  }
}

after(async () => {
  for (const h of harnesses) {
    if (h.running) h.cli(["uninstall"]);
    await h.stop();
  }
});

function harness(pinRoot: string): AgentHarness {
  const h = new AgentHarness(policy, { kernel: true, pinRoot });
  harnesses.push(h);
  return h;
}

/** The object with one letter of its .debug_str flipped in case: other bytes, same program. */
function flippedDebugString(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const section = readSectionOfAnyElf(copy, ".debug_str");
  assert.equal(section.kind, "ok");
  const strings = section.kind === "ok" ? section.value : undefined;
  assert.ok(strings, "the object has DWARF strings");
  const at = strings.findIndex((b, i) => i > strings.length / 2 && b >= 0x61 && b <= 0x7a);
  assert.ok(at > 0);
  strings[at] = (strings[at] ?? 0) ^ 0x20; // a window into `copy`
  return copy;
}

/** Programs the kernel holds whose name is a Proofwall hook's (pw_...), and its LSM links. */
function proofwallInKernel(): { programs: string[]; links: number } {
  const progs = spawnSync("bpftool", ["-j", "prog", "show"], { encoding: "utf8" });
  const links = spawnSync("bpftool", ["-j", "link", "show"], { encoding: "utf8" });
  assert.equal(progs.status, 0, progs.stderr);
  assert.equal(links.status, 0, links.stderr);
  const names = (JSON.parse(progs.stdout || "[]") as { name?: string }[]).map((p) => p.name ?? "");
  const lsm = (JSON.parse(links.stdout || "[]") as { type: string }[]).filter(
    (l) => l.type === "tracing" || l.type === "lsm",
  );
  return { programs: names.filter((n) => n.startsWith("pw_")), links: lsm.length };
}

/** Starts an agent that must be refused; returns what it printed. */
async function refusedStart(pinRoot: string): Promise<string> {
  const h = harness(pinRoot);
  const failure = await h.start().then(
    () => new Error("the agent started"),
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
  assert.match(failure.message, /^agent exited [1-9]/);
  assert.ok(!h.running, "the refused agent exited");
  return failure.message;
}

test("the test VM's kernel is the one the certificates were proved for, and they are valid", () => {
  const kernel = runningKernelBtfSha256();
  assert.ok(kernel, "this kernel exposes BTF");
  for (const name of ["enforce_file", "enforce_net", "enforce_sock", "enforce_proc"]) {
    const c = checkCertificate(bpfObjectPath(name), kernel);
    assert.equal(c.kind, "valid", `${name}: ${c.kind === "valid" ? "" : c.reason}`);
  }
  assert.deepEqual(proofwallInKernel(), { programs: [], links: 0 }, "nothing loaded yet");
});

test("an object changed after it was certified is refused, naming it; nothing is loaded", async () => {
  const flip = (copy: string) =>
    writeFileSync(victim(copy), flippedDebugString(readFileSync(victim(copy))));
  await withChangedObjects(flip, async () => {
    assert.equal(checkCertificate(victim(objects)).kind, "mismatch");
    const pinRoot = "/sys/fs/bpf/pw-cert-changed";
    const text = await refusedStart(pinRoot);
    assert.match(text, /refusing objects without a valid verification certificate/);
    assert.match(text, new RegExp(`${VICTIM}: certificate: \\S*${VICTIM}\\.bpf\\.o has sha256`));
    assert.deepEqual(proofwallInKernel(), { programs: [], links: 0 });
    assert.ok(!existsSync(join(pinRoot, "enforce")), "nothing pinned");
    assert.equal(sh(`cat ${secret}`).status, 0, "nothing enforces");
  });
});

test("a certificate made for another object is refused, naming the object; nothing is loaded", async () => {
  const swap = (copy: string) =>
    copyFileSync(certificatePath(join(copy, "enforce_sock.bpf.o")), certificatePath(victim(copy)));
  await withChangedObjects(swap, async () => {
    const text = await refusedStart("/sys/fs/bpf/pw-cert-other");
    assert.match(text, new RegExp(`${VICTIM}: certificate: \\S*${VICTIM}\\.bpf\\.o has sha256`));
    assert.deepEqual(proofwallInKernel(), { programs: [], links: 0 });
  });
});

test("--allow-unverified loads the changed object and logs it as an error, naming it", async () => {
  const flip = (copy: string) =>
    writeFileSync(victim(copy), flippedDebugString(readFileSync(victim(copy))));
  await withChangedObjects(flip, async () => {
    const h = harness("/sys/fs/bpf/pw-cert-override");
    try {
      await h.start(["--allow-unverified"]);
      const loud = h.logs.filter((l) => l.includes("LOADING AN UNVERIFIED OBJECT"));
      assert.equal(loud.length, 1, h.logs.join("\n"));
      assert.match(loud[0] ?? "", new RegExp(`"level":50.*${VICTIM}: certificate: .*has sha256`));
      assert.ok(denied(sh(`cat ${secret}`)), "the agent enforces");
    } finally {
      assert.equal(h.cli(["uninstall"]).code, 0);
      await h.stop();
    }
  });
  assert.equal(proofwallInKernel().links, 0, "uninstalled");
});

test("with the certificates proofwall build made, the agent loads and enforces, logging nothing unverified", async () => {
  const h = harness("/sys/fs/bpf/pw-cert-valid");
  await h.start();
  assert.ok(denied(sh(`cat ${secret}`)), "the agent enforces");
  assert.deepEqual(
    h.logs.filter((l) => /UNVERIFIED|certificate/.test(l)),
    [],
    "no certificate problem logged",
  );
  assert.ok(proofwallInKernel().links > 0);
});
