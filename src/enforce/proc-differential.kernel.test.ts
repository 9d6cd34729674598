// The differential test of the process classes on the real kernel: random
// exec and capability policies, random execs (of files in a tree, through a
// hard link, of a memfd) and CAP_CHOWN uses run for real as different users,
// login uids, cgroups and calling programs, and the kernel's answer (exit
// status, and the event's outcome and rule) compared with decide().
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { compilePolicy } from "../compile/index.js";
import { fileKeyOf } from "../identity/file.js";
import { currentMounts, mountOf } from "../identity/mounts.js";
import { cgroupIdOf, createCgroup, removeCgroup, CGROUP2_ROOT } from "../identity/cgroup.js";
import { decide } from "../policy/decide.js";
import {
  EVERYONE,
  type Action,
  type Placement,
  type Policy,
  type Subject,
} from "../policy/model.js";
import type { FileKey } from "../abi/file-key.js";
import type { Request } from "../policy/request.js";
import type { PwDecision } from "../abi/decision.js";
import { prng, type Rng } from "../compile/random-world.js";
import { Engine } from "./engine.js";
import { policyOf } from "./test-support.js";

requireTestVm();

const POLICIES = Number(process.env["PW_PROC_DIFF_POLICIES"] ?? 6);
const REQUESTS = 25; // about two seconds each under TCG
const CAP_CHOWN = 0;
const base = mkdtempSync("/tmp/pw-pdiff-");
const tree = join(base, "t");
const DIRS = ["d1", "d1/d2", "d4"].map((d) => join(tree, d));
const PROGRAMS = ["d1/x1", "d1/d2/x2", "d4/x3"].map((f) => join(tree, f));
const HARDLINK = join(tree, "d4/h2"); // a second name of x2, outside d1
const RUNNABLE = [...PROGRAMS, HARDLINK];
/** Copies of env ask for execs; copies of chown use CAP_CHOWN themselves. */
const CALLERS = ["env1", "env2"].map((n) => join(base, n));
const CHOWNS = ["chown1", "chown2"].map((n) => join(base, n));
const MEMFD = join(base, "memfd.py");
const OWNED = join(base, "owned"); // owned by 1001: chown 1001 needs CAP_CHOWN
const USERS = [0, 1000, 1001];
let cgroups: Placement[] = [];
let engine: Engine;
const events: PwDecision[] = [];

before(() => {
  chmodSync(base, 0o755);
  for (const d of [tree, ...DIRS]) mkdirSync(d, { recursive: true, mode: 0o755 });
  const copies = [
    ...PROGRAMS.map((p) => [p, "/usr/bin/true"]),
    ...CALLERS.map((p) => [p, "/usr/bin/env"]),
    ...CHOWNS.map((p) => [p, "/usr/bin/chown"]),
  ];
  for (const [copy = "", of = ""] of copies) {
    copyFileSync(realpathSync(of), copy);
    chmodSync(copy, 0o755);
  }
  linkSync(PROGRAMS[1] ?? "", HARDLINK);
  writeFileSync(
    MEMFD,
    `import os\nfd = os.memfd_create("x")\nos.write(fd, open("/usr/bin/true", "rb").read())\nos.execve(fd, ["x"], {})\n`,
  );
  writeFileSync(OWNED, "x");
  chownSync(OWNED, 1001, 1001);
  const a = createCgroup("pw-pdiff-a");
  const b = createCgroup("pw-pdiff-a/b");
  cgroups = [
    { path: a, id: cgroupIdOf(a), level: 1 },
    { path: b, id: cgroupIdOf(b), level: 2 },
  ];
  engine = Engine.load().attach();
  engine.onDecision((d) => events.push(d));
});

after(async () => {
  await engine[Symbol.asyncDispose]();
  for (const c of [...cgroups].reverse()) removeCgroup(c.path);
});

/** The directories above a path as the kernel walks them: up to its mount's root. */
function ancestorsOf(path: string): FileKey[] {
  const mount = mountOf(currentMounts(), path);
  const out = [];
  for (let d = dirname(path); ; d = dirname(d)) {
    out.push(fileKeyOf(d));
    if (d === mount?.mountPoint || d === "/") return out;
  }
}

function randomSubject(r: Rng): Subject {
  const s: { -readonly [K in keyof Subject]: Subject[K] } = { ...EVERYONE };
  if (r.chance(0.4))
    s.identity = r.pick([
      { kind: "user", uid: r.pick(USERS) },
      { kind: "login-user", uid: r.pick(USERS) },
      { kind: "group", gid: r.pick(USERS) },
    ] as const);
  if (r.chance(0.3)) s.placement = r.pick(cgroups);
  if (r.chance(0.3)) s.exe = fileKeyOf(r.pick([...CALLERS, ...CHOWNS]));
  return s;
}

function randomTarget(r: Rng): { path: string; key: FileKey; tree: boolean } {
  const path = r.pick([tree, ...DIRS, ...RUNNABLE]);
  const isDir = path === tree || DIRS.includes(path);
  return { path, key: fileKeyOf(path), tree: isDir && r.chance(0.8) };
}

function randomPolicy(r: Rng): Policy {
  const rules = Array.from({ length: 1 + r.int(6) }, (_, i) => ({
    id: `r${i}`,
    action: r.pick<Action>(["allow", "deny", "audit"]),
    subjects: r.chance(0.3)
      ? [EVERYONE]
      : [randomSubject(r), randomSubject(r)].slice(0, 1 + r.int(2)),
    resource: r.chance(0.25)
      ? ({ kind: "capabilities", caps: [CAP_CHOWN] } as const)
      : ({
          kind: "exec",
          targets: Array.from({ length: r.int(3) }, () => randomTarget(r)),
          memfd: r.chance(0.3),
          anonymousMemory: false,
        } as const),
  }));
  // An exec or capabilities default of deny would deny the test itself.
  return policyOf(rules, r.chance(0.2) ? "audit" : "enforce", "allow");
}

type What = { kind: "exec"; path: string } | { kind: "memfd" } | { kind: "chown" };

interface Run {
  readonly what: What;
  /** The program the subject runs: a copy of env (execs the target) or of chown. */
  readonly caller: string;
  readonly uid: number;
  readonly loginuid: number;
  readonly cgroup: Placement | null;
}

function randomRun(r: Rng): Run {
  const roll = r.next();
  const what: What =
    roll < 0.6
      ? { kind: "exec", path: r.pick(RUNNABLE) }
      : roll < 0.8
        ? { kind: "memfd" }
        : { kind: "chown" };
  return {
    what,
    caller: r.pick(what.kind === "chown" ? CHOWNS : CALLERS),
    // Only root holds CAP_CHOWN: for others the kernel refuses before any LSM.
    uid: what.kind === "chown" ? 0 : r.pick(USERS),
    loginuid: r.pick(USERS),
    cgroup: r.chance(0.6) ? r.pick(cgroups) : null,
  };
}

function requestOf(q: Run): Request {
  const cgroupChain = [
    cgroupIdOf(CGROUP2_ROOT),
    ...cgroups
      .filter((c) => q.cgroup && (c === q.cgroup || q.cgroup.path.startsWith(`${c.path}/`)))
      .map((c) => c.id ?? 0n),
  ];
  // The memfd is executed by python, which the caller ran.
  const exe = fileKeyOf(q.what.kind === "memfd" ? realpathSync("/usr/bin/python3") : q.caller);
  const subject = {
    uid: q.uid,
    gid: q.uid,
    groups: [],
    loginuid: q.loginuid,
    cgroups: cgroupChain,
    exe,
  };
  switch (q.what.kind) {
    case "exec": {
      const file = { self: fileKeyOf(q.what.path), ancestors: ancestorsOf(q.what.path) };
      return { kind: "exec", target: { kind: "file", file }, subject };
    }
    case "memfd":
      return { kind: "exec", target: { kind: "memfd" }, subject };
    case "chown":
      return { kind: "capability", cap: CAP_CHOWN, subject };
  }
}

function commandOf(q: Run): string {
  switch (q.what.kind) {
    case "exec":
      return `${q.caller} ${q.what.path}`;
    case "memfd":
      return `${q.caller} python3 ${MEMFD}`;
    case "chown":
      return `${q.caller} 1001 ${OWNED}`;
  }
}

/** Runs every request in one shell: one line "pid status" per request. */
function runAll(runs: readonly Run[]): { pid: number; status: number }[] {
  const lines = runs.map((q) => {
    const cg = q.cgroup?.path ?? CGROUP2_ROOT;
    const inner = `echo ${q.loginuid} > /proc/self/loginuid; echo $$ > ${cg}/cgroup.procs; exec setpriv --reuid=${q.uid} --regid=${q.uid} --clear-groups ${commandOf(q)}`;
    return `sh -c 'echo $$ >&3; ${inner}' 3>&1 >/dev/null 2>&1; echo $?`;
  });
  const r = spawnSync("sh", ["-c", lines.join("\n")], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.error) throw new Error(`run requests: ${r.error.message}`);
  const nums = r.stdout.trim().split("\n").map(Number);
  return runs.map((_, i) => ({ pid: nums[2 * i] ?? -1, status: nums[2 * i + 1] ?? -1 }));
}

const hookOf = (q: Run) => (q.what.kind === "chown" ? "capable" : "bprmCheck");

test(`the kernel agrees with decide() on real execs and capability uses (${POLICIES} policies x ${REQUESTS})`, async () => {
  const r = prng(8080);
  let agreed = 0;
  let byRule = 0;
  const kinds = new Map<string, number>();
  for (let i = 0; i < POLICIES; i++) {
    const p = randomPolicy(r);
    const gen = engine.apply(compilePolicy(p));
    const runs = Array.from({ length: REQUESTS }, () => randomRun(r));
    events.length = 0;
    const t0 = Date.now();
    const results = runAll(runs);
    console.log(`# policy ${i}: ${runs.length} requests in ${Date.now() - t0} ms`);
    await new Promise((res) => setTimeout(res, 200));
    engine.onDecision(() => undefined).consume();
    runs.forEach((q, j) => {
      const want = decide(p, requestOf(q));
      const res = results[j];
      const ev = events.find((e) => e.tgid === res?.pid && e.hook === hookOf(q));
      const action = res?.status !== 0 ? "deny" : ev ? "audit" : "allow";
      const ruleId = action === "allow" ? want.ruleId : engine.ruleId(gen, ev?.rule ?? null);
      assert.deepEqual(
        { action, ruleId },
        { action: want.action, ruleId: want.ruleId },
        `policy ${i} request ${j}: ${JSON.stringify(q, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v))} status ${res?.status}`,
      );
      agreed++;
      if (want.ruleId !== null) {
        byRule++;
        kinds.set(q.what.kind, (kinds.get(q.what.kind) ?? 0) + 1);
      }
    });
  }
  console.log(
    `# kernel agrees with decide(): ${agreed} requests, ${byRule} decided by a rule (${JSON.stringify(Object.fromEntries(kinds))})`,
  );
  assert.ok(byRule > agreed / 5, `${byRule} of ${agreed} decided by a rule`);
  for (const k of ["exec", "memfd", "chown"])
    assert.ok((kinds.get(k) ?? 0) > 0, `${k} decided by a rule`);
});
