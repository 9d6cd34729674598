// The sealed agent on the real kernel in the test VM: `proofwall agent --seal`
// enforces its policy and then lets nobody else, root included, rewrite the
// enforce maps, detach or unpin the links, remove the pins, or kill it. Only
// signed changes apply: an unsigned apply and an edit of the policy file are
// refused, a newer signed policy applies, an older one is refused (also with
// the state file reset), and a signed unseal gives unsigned applies back.
// The window between load and seal is checked in process. Last, an agent that
// dies sealed leaves enforcement on and a closed seal; its successor says so.
// That test closes the VM to every other LSM program, so it must stay last.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { requireTestVm } from "../vm/guard.js";
import { bpfObjectPath } from "../paths.js";
import { denied, sh } from "../enforce/test-support.js";
import { AgentHarness, eventually, HARNESS_HOST, status } from "./agent-harness.js";
import type { DaemonStatus } from "./daemon.js";
import type { SealHolder, SealState } from "./seal-state.js";

requireTestVm();

const dir = mkdtempSync("/tmp/pw-sealed-");
chmodSync(dir, 0o755);
const [secret, open] = ["secret", "open"].map((n) => join(dir, n)) as [string, string];
for (const f of [secret, open]) writeFileSync(f, "x\n", { mode: 0o644 });
const pinRoot = "/sys/fs/bpf/pw-sealed";
const enforcePins = join(pinRoot, "enforce");

const denyRead = (name: string, ...paths: string[]) => `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: ${name} }
spec:
  mode: enforce
  rules:
    - { id: ${name}-rule, action: deny, files: { paths: [${paths.join(", ")}], operations: [read] } }
`;

const h = new AgentHarness(denyRead("first", secret), { kernel: true, pinRoot, seal: true });

const sealOf = (s: DaemonStatus): SealState => s.seal ?? { kind: "off" };

/** The policy check is not what this suite tests; the solver only slows each apply under TCG. */
const AGENT_ARGS = ["--debounce", "300", "--resolve-interval", "0", "--policy-check", "off"];

/** Starts `x` and checks the seal it reports as ready (no CLI round trip: each costs seconds under TCG). */
async function started(x: AgentHarness, want: SealState["kind"]): Promise<void> {
  const before = x.logs.length;
  await x.start(AGENT_ARGS);
  const ready = x.logs
    .slice(before)
    .map((l) => JSON.parse(l) as { msg?: string; seal?: string })
    .find((l) => l.msg === "agent ready");
  assert.equal(ready?.seal, want, x.logs.slice(before).join("\n"));
}

/** The first log line after `from` that `match` accepts. */
function logLine(x: AgentHarness, from: number, match: (l: Record<string, unknown>) => boolean) {
  return eventually(() =>
    x.logs
      .slice(from)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find(match),
  );
}

before(async () => {
  await started(h, "sealed");
});

after(async () => {
  await h.stop();
});

function run(cmd: string, ...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000 });
}

/** The agent logged the kernel's refusal of process `pid` at `hook`. */
async function logged(x: AgentHarness, pid: number, hook: string): Promise<void> {
  await eventually(() =>
    x.logs
      .map((l) => JSON.parse(l) as { msg?: string; tamper?: { tgid: number; hook: string } })
      .find(
        (l) =>
          l.msg === "tamper attempt refused" && l.tamper?.tgid === pid && l.tamper.hook === hook,
      ),
  );
}

/** The command failed with EPERM and the agent reported it. */
async function refused(r: SpawnSyncReturns<string>, hook: string, x = h): Promise<void> {
  assert.notEqual(r.status, 0, `expected a refusal, got: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /Operation not permitted|Permission denied|must be superuser/);
  await logged(x, r.pid, hook);
}

/** Kernel ids of the BPF objects the agent holds fds for, by kind (read-mode /proc stays open). */
function heldIds(pid: number, kind: "map" | "link"): number[] {
  const ids = new Set<number>();
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    const text = readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8");
    const m = new RegExp(`^${kind}_id:\\s+(\\d+)$`, "m").exec(text);
    if (m) ids.add(Number(m[1]));
  }
  return [...ids].sort((a, b) => a - b);
}

/** The cgroup v2 id of this process, which the commands it runs inherit. */
function ownCgroupId(): number {
  const path = /^0::(.*)$/m.exec(readFileSync("/proc/self/cgroup", "utf8"))?.[1] ?? "/";
  return statSync(join("/sys/fs/cgroup", path)).ino;
}

const firstLink = () => readdirSync(join(enforcePins, "links")).sort()[0] ?? "";

test("the sealed agent enforces; status shows the seal with every pin checked", () => {
  assert.ok(denied(sh(`cat ${secret}`)), "the policy denies in the kernel");
  assert.equal(sh(`cat ${open}`).status, 0);
  const st = status(h);
  const s = sealOf(st);
  assert.equal(s.kind, "sealed");
  if (s.kind !== "sealed") return;
  assert.deepEqual(s.pinProblems, []);
  assert.deepEqual(s.switches, ["denyModules", "denyKexec", "lockdown"]);
  const hooks = st.enforcer.hooks.length;
  // Every enforce link and program, the shared maps, and self_protect's own.
  assert.ok(s.guardedObjects >= 2 * hooks + 8, `guarded ${s.guardedObjects} for ${hooks} hooks`);
  assert.match(h.cli(["status"]).stdout, /^seal: +sealed since .*every pin checked after sealing/m);
});

test("root cannot rewrite or read the enforce maps, by pin or by id", async () => {
  const control = join(enforcePins, "maps", "pw_control");
  const zero = ["key", "hex", "00", "00", "00", "00"];
  await refused(
    run(
      "bpftool",
      "map",
      "update",
      "pinned",
      control,
      ...zero,
      "value",
      "hex",
      "01",
      "00",
      "00",
      "00",
    ),
    "inodePermission",
  );
  const ids = heldIds(h.pid, "map");
  assert.ok(ids.length >= 8, `map ids held by the agent: ${ids.join()}`);
  for (const id of ids.slice(0, 3))
    await refused(run("bpftool", "map", "dump", "id", String(id)), "bpf");
  assert.ok(denied(sh(`cat ${secret}`)), "still enforced");
});

test("root cannot detach, unpin, move or unmount the links and pins", async () => {
  const link = join(enforcePins, "links", firstLink());
  await refused(run("bpftool", "link", "detach", "pinned", link), "inodePermission");
  const linkIds = heldIds(h.pid, "link");
  assert.ok(linkIds.length > 0);
  await refused(run("bpftool", "link", "detach", "id", String(linkIds[0])), "bpf");
  await refused(run("rm", "-f", link), "inodeUnlink");
  await refused(run("rm", "-f", join(enforcePins, "maps", "pw_rules")), "inodeUnlink");
  await refused(run("rm", "-f", join(pinRoot, "protect", "pw_seal")), "inodeUnlink");
  await refused(run("mv", enforcePins, "/sys/fs/bpf/elsewhere"), "inodeRename");
  await refused(run("mv", join(enforcePins, "links"), join(pinRoot, "links-moved")), "inodeRename");
  const rmTree = run("rm", "-rf", enforcePins);
  assert.notEqual(rmTree.status, 0);
  await refused(run("umount", "-l", "/sys/fs/bpf"), "sbUmount");
  assert.ok(readdirSync(join(enforcePins, "links")).includes(firstLink()));
  assert.equal(readdirSync(join(enforcePins, "maps")).length, 8);
  assert.ok(denied(sh(`cat ${secret}`)), "still enforced");
});

test("root cannot kill or trace the agent, nor load a competing LSM program", async () => {
  const kill = run("kill", "-9", String(h.pid));
  await refused(kill, "taskKill");
  await refused(run("kill", "-TERM", String(h.pid)), "taskKill");
  await refused(run("head", "-c1", `/proc/${h.pid}/mem`), "ptrace");
  await refused(
    run("bpftool", "prog", "load", bpfObjectPath("file_guard"), "/sys/fs/bpf/fg"),
    "bpf",
  );
  assert.ok(h.running);
  assert.equal(sealOf(status(h)).kind, "sealed");
  // The refusal is an event too, named and attributed like a policy denial.
  const events = h.cli(["events", "--json"]).stdout.split("\n").filter(Boolean);
  const seen = events
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((e) => e["hook"] === "taskKill" && e["pid"] === kill.pid);
  assert.ok(seen, `no taskKill event of ${kill.pid} in:\n${events.join("\n")}`);
  assert.equal(seen["action"], "deny");
  assert.equal(seen["ruleId"], null);
  assert.equal(seen["cgroupId"], String(ownCgroupId()));
});

test("an unsigned apply is refused, and an edited policy file is not applied", async () => {
  const permissive = join(dir, "permissive.yaml");
  writeFileSync(permissive, denyRead("permissive", open));
  const ap = h.cli(["apply", permissive]);
  assert.equal(ap.code, 1, ap.stderr + ap.stdout);
  assert.match(ap.stdout, /an unsigned policy does not take effect while sealed/);
  assert.match(ap.stdout, /rejected at seal: first generation 1 stays in force/);

  const from = h.logs.length;
  writeFileSync(h.policyFile, denyRead("edited", open));
  const line = await logLine(
    h,
    from,
    (l) => (l["apply"] as { trigger?: string } | undefined)?.trigger === "file-change",
  );
  assert.match(String(line["msg"]), /^apply rejected at seal/);
  const last = status(h).lastApply;
  assert.equal(last?.kind === "rejected" && last.stage, "seal");
  assert.equal(last?.kind === "rejected" && last.current?.generation, 1);
  assert.ok(denied(sh(`cat ${secret}`)), "the first policy stays in force");
  assert.equal(sh(`cat ${open}`).status, 0);
});

test("a newer signed policy applies; an older or replayed one is refused, state file or not", async () => {
  const file = join(dir, "second.yaml");
  writeFileSync(file, denyRead("second", open));
  const v1 = join(dir, "second-v1.json");
  const sign = h.cli(
    [
      "sign-policy",
      file,
      "--policy-version",
      "1",
      "--key",
      h.keyFile,
      "--selector",
      `host=${HARNESS_HOST}`,
      "-o",
      v1,
    ],
    { control: false },
  );
  assert.equal(sign.code, 0, sign.stderr);
  const ap = h.cli(["apply", "--signed", v1]);
  assert.equal(ap.code, 0, ap.stderr + ap.stdout);
  assert.match(ap.stdout, /^applied: second generation/m);
  assert.ok(denied(sh(`cat ${open}`)));
  assert.equal(sh(`cat ${secret}`).status, 0);

  const v2 = h.cli(["apply", "--signed", h.signPolicy(denyRead("third", secret, open), 2)]);
  assert.equal(v2.code, 0, v2.stderr + v2.stdout);
  const replay = h.cli(["apply", "--signed", v1]);
  assert.equal(replay.code, 1);
  assert.match(replay.stdout, /version 1 is not newer than 2 applied/);
  assert.match(replay.stdout, /rejected at signature: third generation/);
  // Root resets the replay guard's file: the sealed agent goes by what it read at start.
  writeFileSync(join(h.stateDir, "signed", "local-policy.json"), '{"lastVersion":0}\n');
  assert.equal(h.cli(["apply", "--signed", v1]).code, 1);
  assert.ok(
    denied(sh(`cat ${secret}`)) && denied(sh(`cat ${open}`)),
    "the third policy is in force",
  );
});

test("a signed unseal lifts the seal; then an unsigned apply works and root can read the maps", () => {
  const forged = h.cli(["unseal", "--signed", h.signPolicy(denyRead("x", secret), 9)]);
  assert.equal(forged.code, 1);
  assert.match(forged.stderr, /expected a local-unseal/);
  const un = h.cli(["unseal", "--signed", h.signUnseal()]);
  assert.equal(un.code, 0, un.stderr + un.stdout);
  assert.match(un.stdout, /^seal: unsealed at .* by a signed request/);
  const plain = join(dir, "plain.yaml");
  writeFileSync(plain, denyRead("plain", open));
  const ap = h.cli(["apply", plain]);
  assert.equal(ap.code, 0, ap.stderr + ap.stdout);
  assert.equal(sh(`cat ${secret}`).status, 0);
  const dump = run("bpftool", "map", "dump", "pinned", join(enforcePins, "maps", "pw_control"));
  assert.equal(dump.status, 0, dump.stderr);
});

test("the window between load and seal: a pin removed before the seal, or before an adoption, is reported", async () => {
  const { KernelEnforcer } = await import("../enforce/index.js");
  const { AgentSeal } = await import("./agent-seal.js");
  const root = "/sys/fs/bpf/pw-window";
  const links = join(root, "enforce", "links");
  const stateDir = join(dir, "window-state");
  const log = pino({ level: "silent" });
  const engine = () => new KernelEnforcer({ stateDir, log, pinRoot: root, policyCheck: "off" });
  const enforcer = engine();
  await enforcer.start();
  const agentSeal = AgentSeal.prepare({
    pinRoot: root,
    stateDir,
    log,
    seal: true,
    switches: [],
    allowUnverified: false,
  });
  const [victim = "", other = ""] = readdirSync(links).sort();
  try {
    rmSync(join(links, victim)); // root, inside the window
    agentSeal.sealNow(enforcer.guardSet());
    const s = agentSeal.state();
    assert.equal(s.kind, "sealed");
    assert.deepEqual(s.kind === "sealed" && s.pinProblems, [
      `link ${join(links, victim)}: the pin is gone`,
    ]);
  } finally {
    assert.equal(agentSeal.unseal("test", 1), null);
  }
  // Between two agents nothing is sealed: a pin removed then takes its link
  // along, and the next agent adopts what is left and names what is not.
  await enforcer.stop();
  rmSync(join(links, other));
  const next = engine();
  await next.start();
  try {
    assert.deepEqual([...next.guardSet().missingHooks].sort(), [victim, other].sort());
  } finally {
    await next.uninstall();
    await agentSeal.stop();
  }
});

test("restarted, the agent adopts and seals again; killed sealed, its successor reports the closed seal", async () => {
  h.signal("SIGTERM"); // unsealed: it stops, and takes self_protect with it
  assert.equal(await h.exited(), 0);
  await started(h, "sealed"); // adopts the enforce pins, applies its file, seals
  const resealed = sealOf(status(h));
  assert.deepEqual(
    resealed.kind === "sealed" && resealed.pinProblems,
    [],
    "adopted pins check out",
  );
  assert.ok(denied(sh(`cat ${open}`)), "the policy file (edited while sealed) is now in force");
  const deadPid = h.pid;
  // cgroup.kill signals from the kernel, which task_kill does not see (docs/threat-model.md).
  const cg = "/sys/fs/cgroup/pw-sealed-agent";
  mkdirSync(cg, { recursive: true });
  writeFileSync(join(cg, "cgroup.procs"), String(deadPid));
  writeFileSync(join(cg, "cgroup.kill"), "1");
  await h.exited();
  assert.ok(denied(sh(`cat ${open}`)), "the pinned programs still enforce");

  await started(h, "sealed-elsewhere");
  const s = status(h);
  const holder =
    sealOf(s).kind === "sealed-elsewhere" ? (s.seal as { holder: SealHolder }).holder : null;
  assert.deepEqual(holder && { pid: holder.pid, alive: holder.alive }, {
    pid: deadPid,
    alive: false,
  });
  assert.equal(s.enforcer.state.kind === "enforcing" && s.enforcer.state.policy.name, "edited");
  assert.match(
    h.cli(["status"]).stdout,
    /^seal: +sealed by a dead agent \(pid \d+, sealed at .*\); enforcement continues; reboot to lift the seal/m,
  );
  const signedApply = h.cli(["apply", "--signed", h.signPolicy(denyRead("nope", secret), 10)]);
  assert.equal(signedApply.code, 1);
  assert.match(signedApply.stdout, /sealed by a dead agent/);
  assert.match(
    h.cli(["unseal", "--signed", h.signUnseal()]).stderr,
    /unseal: sealed by a dead agent/,
  );
  assert.match(h.cli(["uninstall"]).stderr, /uninstall: sealed by a dead agent/);
  assert.ok(denied(sh(`cat ${open}`)));
  rmdirSync(cg);
});
