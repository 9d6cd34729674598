// The agent as operators run it, on the real kernel in the test VM: the real
// `proofwall agent` process loads, attaches and pins the enforce programs,
// applies its policy file, takes new policies over the control socket, keeps
// enforcing after kill -9, is adopted by a restarted agent without a second
// attach, follows a restarted service's cgroup, and uninstalls completely.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { AgentHarness, eventually, generation, status } from "./agent-harness.js";
import { denied, sh } from "../enforce/test-support.js";

requireTestVm();

const dir = mkdtempSync("/tmp/pw-kagent-");
chmodSync(dir, 0o755);
const [secret, open] = ["secret", "open"].map((n) => join(dir, n)) as [string, string];
for (const f of [secret, open]) writeFileSync(f, "x\n", { mode: 0o644 });
const harnesses: AgentHarness[] = [];

after(async () => {
  for (const h of harnesses) await h.stop();
});

const denyRead = (name: string, path: string, extra = "") => `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: ${name} }
spec:
  mode: enforce
  rules:
    - { id: ${name}-rule, action: deny, ${extra}files: { paths: [${path}], operations: [read] } }
`;

function harness(policy: string, pinRoot: string): AgentHarness {
  const h = new AgentHarness(policy, { kernel: true, pinRoot });
  harnesses.push(h);
  return h;
}

/** Ids of the LSM links the kernel has, whoever holds them. */
function lsmLinkIds(): number[] {
  const r = spawnSync("bpftool", ["-j", "link", "show"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const links = JSON.parse(r.stdout || "[]") as { id: number; type: string }[];
  return links
    .filter((l) => l.type === "tracing" || l.type === "lsm")
    .map((l) => l.id)
    .sort();
}

test("the agent enforces, survives kill -9, is adopted without a second attach, uninstalls", async () => {
  const pinRoot = "/sys/fs/bpf/pw-agent-test";
  const h = harness(denyRead("first", secret), pinRoot);
  await h.start(["--debounce", "600000", "--resolve-interval", "0"]);

  assert.ok(denied(sh(`cat ${secret}`)), "the policy file's rule denies in the kernel");
  assert.equal(sh(`cat ${open}`).status, 0);
  const s1 = status(h);
  assert.equal(s1.enforcer.kind, "kernel");
  assert.equal(generation(s1), 1);
  assert.ok(s1.enforcer.hooks.length >= 11, `hooks: ${JSON.stringify(s1.enforcer.hooks)}`);
  assert.ok(s1.enforcer.hooks.every((k) => k.state === "attached"));
  const links = lsmLinkIds();
  assert.equal(links.length, s1.enforcer.hooks.length, "one link per hook, nothing else attached");

  // explain answers from the live maps and agrees with decide().
  const ex = h.cli(["explain", "--open", secret, "--json"]);
  assert.equal(ex.code, 0, ex.stderr);
  const answer = JSON.parse(ex.stdout) as {
    source: string;
    agrees: boolean;
    live: { action: string; ruleId: string };
  };
  assert.equal(answer.source, "live-maps");
  assert.deepEqual(answer.live, { action: "deny", ruleId: "first-rule" });
  assert.equal(answer.agrees, true);

  // The denial shows as an event with the rule and the file's path.
  const ev = await eventually(() => {
    const r = h.cli(["events", "--json"]);
    const lines = r.stdout.split("\n").filter(Boolean);
    return lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((e) => e["action"] === "deny");
  });
  assert.equal(ev["ruleId"], "first-rule");
  assert.equal(ev["resource"], secret);

  // A new policy over the control socket replaces the old one as a whole.
  const second = join(dir, "second.yaml");
  writeFileSync(second, denyRead("second", open));
  const ap = h.cli(["apply", second]);
  assert.equal(ap.code, 0, ap.stderr + ap.stdout);
  assert.equal(sh(`cat ${secret}`).status, 0);
  assert.ok(denied(sh(`cat ${open}`)));
  assert.equal(generation(status(h)), 2);

  // A broken policy is refused; the second stays in force.
  const broken = join(dir, "broken.yaml");
  writeFileSync(broken, "spec: [\n");
  assert.notEqual(h.cli(["apply", broken]).code, 0);
  assert.ok(denied(sh(`cat ${open}`)));
  assert.equal(generation(status(h)), 2);

  // kill -9: nothing in user space enforces, the pins do.
  h.signal("SIGKILL");
  await h.exited();
  assert.ok(denied(sh(`cat ${open}`)), "enforcement survives the agent");
  assert.equal(sh(`cat ${secret}`).status, 0);
  assert.deepEqual(lsmLinkIds(), links);

  // A restarted agent adopts the pins: same links, no second attach, generations go on.
  writeFileSync(h.policyFile, denyRead("second", open));
  await h.start(["--debounce", "600000", "--resolve-interval", "0"]);
  assert.ok(h.logs.some((l) => l.includes("adopted pinned enforcement")));
  const s3 = status(h);
  assert.ok(s3.enforcer.hooks.every((k) => k.state === "adopted"));
  assert.deepEqual(lsmLinkIds(), links, "the same links: adopted, not attached again");
  assert.equal(generation(s3), 3);
  assert.ok(denied(sh(`cat ${open}`)));

  // Uninstall: the agent exits 10, pins and links are gone, access is back.
  const un = h.cli(["uninstall"]);
  assert.equal(un.code, 0, un.stderr + un.stdout);
  assert.equal(await h.exited(), 10);
  assert.equal(sh(`cat ${open}`).status, 0);
  assert.equal(existsSync(join(pinRoot, "enforce")), false);
  assert.deepEqual(lsmLinkIds(), []);
});

test("a restarted service gets a new cgroup id and its rules follow it", async () => {
  const svc = "/sys/fs/cgroup/pw-agent-svc";
  mkdirSync(svc);
  const inSvc = (cmd: string) => sh(`echo $$ > ${svc}/cgroup.procs && ${cmd}`);
  const h = harness(
    denyRead("svc", secret, `subjects: [{ cgroup: ${svc} }], `),
    "/sys/fs/bpf/pw-svc-test",
  );
  await h.start(["--debounce", "600000", "--resolve-interval", "1"]);
  assert.ok(denied(inSvc(`cat ${secret}`)), "denied inside the service's cgroup");
  assert.equal(sh(`cat ${secret}`).status, 0, "allowed outside it");
  const before = generation(status(h));

  rmdirSync(svc); // the service stops: its cgroup goes away
  mkdirSync(svc); // and starts again under the same name, with a new id
  await eventually(() => (denied(inSvc(`cat ${secret}`)) ? true : undefined), 30_000);
  assert.ok(generation(status(h)) > before, "the re-resolve applied a new generation");
  assert.equal(h.cli(["uninstall"]).code, 0);
  await h.exited();
  rmdirSync(svc);
});
