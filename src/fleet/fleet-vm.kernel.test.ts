// One real agent on the real kernel (test VM) enforcing what the fleet sends
// it: a real etcd started here, policies signed and published with the CLI,
// the agent in kernel mode applying each bundle atomically, surviving kill -9
// and coming back from its cache and pins.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { CLI, eventually } from "../agent/agent-harness.js";
import { denied, sh } from "../enforce/test-support.js";
import { generateSigningKey, privateKeyPem, trustedKeyLine } from "../signing/index.js";
import { EtcdHarness } from "./etcd-harness.js";

requireTestVm();

const root = mkdtempSync("/tmp/pw-fleet-vm-");
chmodSync(root, 0o755);
const [a, b] = ["a", "b"].map((n) => join(root, n)) as [string, string];
for (const f of [a, b]) writeFileSync(f, "x\n", { mode: 0o644 });
const key = generateSigningKey();
const keyFile = join(root, "signing.pem");
const trustedFile = join(root, "trusted-keys");
writeFileSync(keyFile, privateKeyPem(key), { mode: 0o600 });
writeFileSync(trustedFile, `${trustedKeyLine(key.publicKey, "# vm test")}\n`);
const socket = join(root, "control.sock");
let etcd: EtcdHarness | null = null;
let agent: ChildProcess | null = null;

const denyRead = (name: string, path: string) => `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: ${name} }
spec:
  mode: enforce
  rules:
    - { id: ${name}, action: deny, files: { paths: [${path}], operations: [read] } }
`;

function cli(args: readonly string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

async function startAgent(url: string): Promise<void> {
  const args = [
    ...[CLI, "agent", "--fleet", url, "--labels", "role=db", "--host-name", "vm-1"],
    ...["--trusted-keys", trustedFile, "--control", socket, "--state-dir", join(root, "state")],
    ...["--pin-root", "/sys/fs/bpf/pw-fleet-vm", "--resolve-interval", "0"],
    ...["--fleet-heartbeat", "1000", "--fleet-ttl", "5"],
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  agent = child;
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start:\n${log}`)), 180_000);
    child.stdout.on("data", (c: Buffer) => {
      log += c.toString();
      if (log.includes('"msg":"agent ready"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on("data", (c: Buffer) => (log += c.toString()));
    child.on("exit", (code) => reject(new Error(`agent exited ${code}:\n${log}`)));
  });
}

function publish(url: string, name: string, path: string): void {
  const file = join(root, `${name}.yaml`);
  writeFileSync(file, denyRead(name, path));
  const r = cli(["fleet", "publish", "--fleet", url, "--policy", file, "--key", keyFile]);
  assert.equal(r.code, 0, r.out);
}

after(async () => {
  spawnSync(process.execPath, [CLI, "uninstall", "--control", socket], { timeout: 60_000 });
  agent?.kill("SIGKILL");
  await etcd?.destroy();
});

test("bundles from etcd are enforced by the kernel, whole, and outlive the agent", async () => {
  etcd = await EtcdHarness.create();
  const url = etcd.fleetUrl("vm");
  await startAgent(url);

  publish(url, "first", a);
  await eventually(() => (denied(sh(`cat ${a}`)) ? true : undefined), 120_000);
  assert.equal(sh(`cat ${b}`).status, 0);

  publish(url, "second", b);
  await eventually(() => (denied(sh(`cat ${b}`)) ? true : undefined), 120_000);
  assert.equal(sh(`cat ${a}`).status, 0, "the first bundle is replaced as a whole");
  const loaded = await attestedPrograms(url);

  // The agent dies; the pins enforce. A restart with etcd gone uses its cache.
  agent?.kill("SIGKILL");
  await new Promise((r) => agent?.once("exit", r));
  assert.ok(denied(sh(`cat ${b}`)), "enforcement outlives the agent");
  await etcd.stop();
  await startAgent(url);
  const status = cli(["status", "--json", "--control", socket]);
  assert.equal(status.code, 0, status.out);
  assert.match(status.out, /"name": "second"/);
  assert.ok(denied(sh(`cat ${b}`)));
  assert.equal(sh(`cat ${a}`).status, 0);

  // Back in touch with etcd, the restarted agent attests the programs it adopted.
  await etcd.start();
  const adopted = await eventually(() => {
    const programs = hostPrograms(url);
    return programs && programs.startedAt !== loaded.startedAt ? programs : undefined;
  }, 120_000);
  assert.deepEqual(adopted.tags, loaded.tags, "the adopted links run the programs loaded first");
});

interface HostPrograms {
  readonly startedAt: string;
  readonly tags: Record<string, string>;
}

const attestedPrograms = (url: string) => eventually(() => hostPrograms(url), 60_000);

/** vm-1's attestation as `fleet status --json` shows it; every program must be attested. */
function hostPrograms(url: string): HostPrograms | undefined {
  const r = cli(["fleet", "status", "--json", "--fleet", url]);
  assert.equal(r.code, 0, r.out);
  const view = JSON.parse(r.out) as {
    hosts: { kind: string; status?: { host: string; startedAt: string; programs: unknown } }[];
  };
  const host = view.hosts.find((h) => h.status?.host === "vm-1")?.status;
  const programs = host?.programs as
    | { name: string; tag: string; object: string; objectSha256: string; attested: boolean }[]
    | null
    | undefined;
  if (!host || !programs) return undefined;
  assert.ok(programs.length >= 20, `every hook reports its program: ${programs.length}`);
  for (const p of programs) {
    assert.match(p.tag, /^[0-9a-f]{16}$/, p.name);
    assert.match(p.object, /^enforce_/, p.name);
    assert.match(p.objectSha256, /^[0-9a-f]{64}$/, p.name);
    assert.equal(p.attested, true, `${p.name} runs what was loaded from ${p.object}`);
  }
  const text = cli(["fleet", "status", "--fleet", url]).out;
  assert.match(text, new RegExp(`vm-1 .* ${programs.length} ok`), text);
  return {
    startedAt: host.startedAt,
    tags: Object.fromEntries(programs.map((p) => [p.name, p.tag])),
  };
}
