// The differential test of the process classes on the real kernel: random
// exec and capability policies, random execs (of files in a tree, through a
// hard link, of a memfd), anonymous memory made executable (mmap RWX,
// mprotect of a private or shared mapping) and CAP_CHOWN uses run for real as
// different users, login uids, cgroups and calling programs, and the
// kernel's answer (exit status, and each hook's event, outcome and rule)
// compared with decide().
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
import type { EnforceHookName } from "../abi/decision.js";
import { repoRoot } from "../paths.js";
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
/** redteam/anon-exec: runs code from anonymous memory it made executable. */
const ANON_EXEC = join(base, "anon-exec");
const ANON_WAYS = ["mprotect", "rwx", "shared"] as const;
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
  copyFileSync(join(repoRoot, "build", "redteam", "anon-exec"), ANON_EXEC);
  chmodSync(ANON_EXEC, 0o755);
  writeFileSync(OWNED, "x");
  chownSync(OWNED, 1001, 1001);
  const a = createCgroup("pw-pdiff-a");
  const b = createCgroup("pw-pdiff-a/b");
  cgroups = [
    { path: a, id: cgroupIdOf(a), level: 1 },
    { path: b, id: cgroupIdOf(b), level: 2 },
  ];
  // Every event of a request counts, the second of one rule too (a memfd exec
  // asks the memfd item and then anonymous memory, both may name one rule).
  engine = Engine.load({ eventIntervalNs: 1000n }).attach();
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
  if (r.chance(0.3)) s.exe = fileKeyOf(r.pick([...CALLERS, ...CHOWNS, ANON_EXEC]));
  return s;
}

/**
 * A subject this test's node (root, root cgroup, no login uid) can never be:
 * a rule denying anonymous memory to it would stop V8's JIT under the test.
 */
function notTheRunner(r: Rng, s: Subject): Subject {
  const id = s.identity;
  const idOther = id !== null && (id.kind === "group" ? id.gid : id.uid) !== 0;
  return s.placement || s.exe || idOther ? s : { ...s, placement: r.pick(cgroups) };
}

function randomTarget(r: Rng): { path: string; key: FileKey; tree: boolean } {
  const path = r.pick([tree, ...DIRS, ...RUNNABLE]);
  const isDir = path === tree || DIRS.includes(path);
  return { path, key: fileKeyOf(path), tree: isDir && r.chance(0.8) };
}

function randomRule(r: Rng, i: number) {
  const subjects = r.chance(0.3)
    ? [EVERYONE]
    : [randomSubject(r), randomSubject(r)].slice(0, 1 + r.int(2));
  const base = { id: `r${i}`, action: r.pick<Action>(["allow", "deny", "audit"]) };
  if (r.chance(0.25))
    return { ...base, subjects, resource: { kind: "capabilities", caps: [CAP_CHOWN] } } as const;
  const anonymousMemory = r.chance(0.35);
  const resource = {
    kind: "exec",
    targets: Array.from({ length: r.int(3) }, () => randomTarget(r)),
    memfd: r.chance(0.3),
    anonymousMemory,
  } as const;
  return {
    ...base,
    subjects: anonymousMemory ? subjects.map((s) => notTheRunner(r, s)) : subjects,
    resource,
  };
}

function randomPolicy(r: Rng): Policy {
  const rules = Array.from({ length: 1 + r.int(6) }, (_, i) => randomRule(r, i));
  // An exec or capabilities default of deny would deny the test itself.
  return policyOf(rules, r.chance(0.2) ? "audit" : "enforce", "allow");
}

type What =
  | { kind: "exec"; path: string }
  | { kind: "memfd" }
  | { kind: "anon"; how: (typeof ANON_WAYS)[number] }
  | { kind: "chown" };

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
    roll < 0.45
      ? { kind: "exec", path: r.pick(RUNNABLE) }
      : roll < 0.65
        ? { kind: "memfd" }
        : roll < 0.85
          ? { kind: "anon", how: r.pick(ANON_WAYS) }
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

/** One place the kernel decides a run: the request decide() gets, and the hook that asks it. */
interface Point {
  readonly request: Request;
  readonly hook: EnforceHookName;
}

/** Where the kernel decides a run, in order; a deny at one ends the run there. */
function pointsOf(q: Run): Point[] {
  const cgroupChain = [
    cgroupIdOf(CGROUP2_ROOT),
    ...cgroups
      .filter((c) => q.cgroup && (c === q.cgroup || q.cgroup.path.startsWith(`${c.path}/`)))
      .map((c) => c.id ?? 0n),
  ];
  // The memfd is executed by python, which the caller ran; anon-exec maps its own memory.
  const exe = fileKeyOf(
    q.what.kind === "memfd"
      ? realpathSync("/usr/bin/python3")
      : q.what.kind === "anon"
        ? ANON_EXEC
        : q.caller,
  );
  const subject = {
    uid: q.uid,
    gid: q.uid,
    groups: [],
    loginuid: q.loginuid,
    cgroups: cgroupChain,
    exe,
  };
  const anonymous: Request = { kind: "exec", target: { kind: "anonymous-memory" }, subject };
  switch (q.what.kind) {
    case "exec": {
      const file = { self: fileKeyOf(q.what.path), ancestors: ancestorsOf(q.what.path) };
      return [
        { request: { kind: "exec", target: { kind: "file", file }, subject }, hook: "bprmCheck" },
      ];
    }
    case "memfd":
      // The exec, then the ELF loader mapping the memfd's code: memory no linked file backs.
      return [
        { request: { kind: "exec", target: { kind: "memfd" }, subject }, hook: "bprmCheck" },
        { request: anonymous, hook: "mmapFile" },
      ];
    case "anon":
      return [{ request: anonymous, hook: q.what.how === "rwx" ? "mmapFile" : "fileMprotect" }];
    case "chown":
      return [{ request: { kind: "capability", cap: CAP_CHOWN, subject }, hook: "capable" }];
  }
}

function commandOf(q: Run): string {
  switch (q.what.kind) {
    case "exec":
      return `${q.caller} ${q.what.path}`;
    case "memfd":
      return `${q.caller} python3 ${MEMFD}`;
    case "anon":
      return `${q.caller} ${ANON_EXEC} ${q.what.how}`;
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

/** What a run's points come to on the kernel and in decide(), point by point up to the first deny. */
function compare(q: Run, res: { pid: number; status: number } | undefined, gen: number) {
  const got: { hook: string; action: string; ruleId: string | null }[] = [];
  const want: typeof got = [];
  for (const { request, hook } of pointsOf(q)) {
    const w = decide(currentPolicy, request);
    want.push({ hook, action: w.action, ruleId: w.ruleId });
    const ev = events.find((e) => e.tgid === res?.pid && e.hook === hook);
    const action = ev === undefined ? "allow" : ev.outcome === "deny" ? "deny" : "audit";
    got.push({
      hook,
      action,
      ruleId: action === "allow" ? w.ruleId : engine.ruleId(gen, ev?.rule ?? null),
    });
    if (w.action === "deny") break;
  }
  const wantDenied = want.some((w) => w.action === "deny");
  return { got, want, deniedAgrees: (res?.status !== 0) === wantDenied, wantDenied };
}

let currentPolicy: Policy = policyOf([]);

test(`the kernel agrees with decide() on real execs, anonymous executable memory and capability uses (${POLICIES} policies x ${REQUESTS})`, async () => {
  const r = prng(8080);
  let agreed = 0;
  let byRule = 0;
  const kinds = new Map<string, number>();
  for (let i = 0; i < POLICIES; i++) {
    const p = randomPolicy(r);
    currentPolicy = p;
    const gen = engine.apply(compilePolicy(p));
    const runs = Array.from({ length: REQUESTS }, () => randomRun(r));
    events.length = 0;
    const t0 = Date.now();
    const results = runAll(runs);
    console.log(`# policy ${i}: ${runs.length} requests in ${Date.now() - t0} ms`);
    await new Promise((res) => setTimeout(res, 200));
    engine.onDecision(() => undefined).consume();
    runs.forEach((q, j) => {
      const res = results[j];
      const c = compare(q, res, gen);
      const what = `policy ${i} request ${j}: ${JSON.stringify(q, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v))} status ${res?.status}`;
      assert.deepEqual(c.got, c.want, what);
      assert.ok(c.deniedAgrees, `${what}: decide() ${c.wantDenied ? "denies" : "allows"}`);
      agreed++;
      const ruled = c.want.filter((w) => w.ruleId !== null);
      if (ruled.length > 0) byRule++;
      for (const w of ruled) {
        const kind =
          w.hook === "bprmCheck" || w.hook === "capable" ? q.what.kind : `${q.what.kind}:anonymous`;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    });
  }
  console.log(
    `# kernel agrees with decide(): ${agreed} requests, ${byRule} decided by a rule (${JSON.stringify(Object.fromEntries(kinds))})`,
  );
  assert.ok(byRule > agreed / 5, `${byRule} of ${agreed} decided by a rule`);
  for (const k of ["exec", "memfd", "memfd:anonymous", "anon:anonymous", "chown"])
    assert.ok((kinds.get(k) ?? 0) > 0, `${k} decided by a rule`);
});
