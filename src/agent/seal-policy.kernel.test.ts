// The seal's switches follow the policy, in the test VM. A sealed agent whose
// policy says nothing refuses `insmod` of a real module of the VM's kernel to
// everyone (the seal switch). An unsigned apply that would relax it is
// refused. A signed policy with spec.selfProtection.allow: [modules] turns the
// switch off, and the policy's own moduleLoad rule decides: insmod in one
// cgroup is refused by that rule, elsewhere nothing refuses it. A signed
// policy without the field puts the switch back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { guestModule } from "../redteam/evasion-rows.js";
import { AgentHarness, eventually, status } from "./agent-harness.js";
import type { SealState } from "./seal-state.js";

requireTestVm();

const dir = mkdtempSync("/tmp/pw-sealpolicy-");
chmodSync(dir, 0o755);
const secret = join(dir, "secret");
writeFileSync(secret, "x\n", { mode: 0o644 });
const noModules = "/sys/fs/cgroup/pw-no-modules";
const module = guestModule();
const ALL_SWITCHES = ["denyModules", "denyKexec", "lockdown"];

function policy(name: string, extra = ""): string {
  return `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: ${name} }
spec:
  mode: enforce
${extra}  rules:
    - { id: ${name}-read, action: deny, files: { paths: [${secret}], operations: [read] } }
`;
}

/** Relaxes the module switch and hands module loading to a rule: not in `noModules`. */
const relaxed = policy("relaxed", "  selfProtection: { allow: [modules] }\n").replace(
  "  rules:\n",
  `  rules:\n    - { id: no-modules-here, action: deny, subjects: [{ cgroup: ${noModules} }], moduleLoad: true }\n`,
);

const h = new AgentHarness(policy("first"), {
  kernel: true,
  pinRoot: "/sys/fs/bpf/pw-sealpolicy",
  seal: true,
});

before(async () => {
  mkdirSync(noModules, { recursive: true });
  await h.start(["--debounce", "300", "--resolve-interval", "0", "--policy-check", "off"]);
});

after(async () => {
  await h.stop();
  rmdirSync(noModules);
});

/** insmod of the module, directly or from a shell moved into `cgroup` first. */
function insmod(cgroup?: string): SpawnSyncReturns<string> {
  const opts = { encoding: "utf8", timeout: 60_000 } as const;
  if (cgroup === undefined) return spawnSync("/usr/sbin/insmod", [module], opts);
  const script = `echo $$ > ${cgroup}/cgroup.procs && exec /usr/sbin/insmod ${module}`;
  return spawnSync("sh", ["-c", script], opts);
}

const EPERM = /Operation not permitted/;

function tamperLogged(pid: number): boolean {
  return h.logs.some((l) => {
    const e = JSON.parse(l) as { msg?: string; tamper?: { tgid: number; hook: string } };
    return e.msg === "tamper attempt refused" && e.tamper?.tgid === pid;
  });
}

/** The seal (not a policy rule) refused it: EPERM, and the agent logged a tamper attempt. */
async function refusedBySeal(r: SpawnSyncReturns<string>): Promise<void> {
  assert.match(r.stderr, EPERM, `expected a refusal, got ${r.status}: ${r.stderr}`);
  await eventually(() => tamperLogged(r.pid) || undefined);
}

function sealed(): Extract<SealState, { kind: "sealed" }> {
  const s = status(h).seal;
  assert.equal(s?.kind, "sealed");
  return s as Extract<SealState, { kind: "sealed" }>;
}

test("the policy says nothing: the seal refuses insmod of a real module", async () => {
  assert.deepEqual(sealed().switches, ALL_SWITCHES);
  await refusedBySeal(insmod());
});

test("an unsigned apply that would relax the seal is refused and changes nothing", async () => {
  const file = join(h.dir, "relaxed.yaml");
  writeFileSync(file, relaxed);
  const r = h.cli(["apply", file]);
  assert.notEqual(r.code, 0);
  assert.match(r.stdout + r.stderr, /sealed: an unsigned policy does not take effect/);
  const s = sealed();
  assert.deepEqual([s.switches, s.policyAllows], [ALL_SWITCHES, []]);
  await refusedBySeal(insmod());
});

test("a signed policy allowing modules: the switch is off and its moduleLoad rule decides", async () => {
  const r = h.cli(["apply", "--signed", h.signPolicy(relaxed, 1)]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const s = sealed();
  assert.deepEqual([s.switches, s.policyAllows], [["denyKexec", "lockdown"], ["modules"]]);
  assert.match(
    h.cli(["status"]).stdout,
    /switches in force: denyKexec, lockdown \(the policy allows modules\)/,
  );
  // In the cgroup the rule refuses it, and it is a policy decision, not a tamper attempt.
  const inside = insmod(noModules);
  assert.match(inside.stderr, EPERM, `${inside.status}: ${inside.stderr}`);
  const events = await eventually(() => {
    const out = h.cli(["events", "--json"]).stdout;
    return out.includes('"ruleId":"no-modules-here"') ? out : undefined;
  }, 60_000);
  assert.match(events, /"action":"deny"/);
  // Elsewhere nothing refuses it: it loads, or fails for a reason of its own.
  const outside = insmod();
  assert.doesNotMatch(outside.stderr, EPERM, `${outside.status}: ${outside.stderr}`);
  await new Promise((r) => setTimeout(r, 1000)); // a tamper event would have arrived by now
  assert.equal(tamperLogged(inside.pid), false);
  assert.equal(tamperLogged(outside.pid), false);
});

test("a signed policy without selfProtection puts the switch back", async () => {
  const r = h.cli(["apply", "--signed", h.signPolicy(policy("tight"), 2)]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const s = sealed();
  assert.deepEqual([s.switches, s.policyAllows], [ALL_SWITCHES, []]);
  await refusedBySeal(insmod());
});
