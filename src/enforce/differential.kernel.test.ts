// The differential test on the real kernel: random policies over a real file
// tree, random reads executed for real (as different users and login uids, in
// different cgroups, through different copies of cat), and the kernel's answer
// (errno, and the event's outcome and rule) compared with decide().
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
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
import type { Request } from "../policy/request.js";
import type { PwDecision } from "../abi/decision.js";
import { prng, type Rng } from "../compile/random-world.js";
import { Engine } from "./engine.js";
import { filesRule, policyOf } from "./test-support.js";

requireTestVm();

const POLICIES = Number(process.env["PW_DIFF_POLICIES"] ?? 10);
const READS = 30; // about one second per read under TCG: 300 reads fit the VM timeout
const base = mkdtempSync("/tmp/pw-diff-");
const tree = join(base, "t");
const DIRS = ["d1", "d1/d2", "d1/d2/d3", "d4"].map((d) => join(tree, d));
const FILES = ["d1/f1", "d1/d2/f2", "d1/d2/d3/f3", "d4/f4"].map((f) => join(tree, f));
const HARDLINK = join(tree, "d4/h3"); // a second name of f3, outside d1
const READABLE = [...FILES, HARDLINK];
const EXES = ["cat1", "cat2"].map((n) => join(base, n));
const USERS = [0, 1000, 1001];
let cgroups: Placement[] = [];
let engine: Engine;
const events: PwDecision[] = [];

before(() => {
  chmodSync(base, 0o755);
  for (const d of [tree, ...DIRS]) mkdirSync(d, { recursive: true, mode: 0o755 });
  for (const f of FILES) writeFileSync(f, `${f}\n`, { mode: 0o644 });
  linkSync(FILES[2] ?? "", HARDLINK);
  for (const e of EXES) {
    copyFileSync(realpathSync("/usr/bin/cat"), e);
    chmodSync(e, 0o755);
  }
  const a = createCgroup("pw-diff-a");
  const b = createCgroup("pw-diff-a/b");
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
function ancestorsOf(path: string) {
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
  if (r.chance(0.3)) s.exe = fileKeyOf(r.pick(EXES));
  return s;
}

function randomPolicy(r: Rng): Policy {
  const nodes = [tree, ...DIRS, ...READABLE];
  const rules = Array.from({ length: 1 + r.int(6) }, (_, i) => {
    const target = r.pick(nodes);
    const isDir = DIRS.includes(target) || target === tree;
    return filesRule(
      `r${i}`,
      r.pick<Action>(["allow", "deny", "audit"]),
      [isDir && r.chance(0.8) ? { path: target, tree: true } : target],
      {
        operations: r.chance(0.8) ? ["read"] : ["write"],
        subjects: r.chance(0.3)
          ? [EVERYONE]
          : [randomSubject(r), randomSubject(r)].slice(0, 1 + r.int(2)),
      },
    );
  });
  // A files default of deny would deny the test itself (its shell, its libraries).
  return policyOf(rules, r.chance(0.2) ? "audit" : "enforce", "allow");
}

interface Read {
  readonly file: string;
  readonly exe: string;
  readonly uid: number;
  readonly loginuid: number;
  readonly cgroup: Placement | null;
}

function randomRead(r: Rng): Read {
  return {
    file: r.pick(READABLE),
    exe: r.pick([...EXES, realpathSync("/usr/bin/cat")]),
    uid: r.pick(USERS),
    loginuid: r.pick(USERS),
    cgroup: r.chance(0.6) ? r.pick(cgroups) : null,
  };
}

function requestOf(q: Read): Request {
  const chain = [
    cgroupIdOf(CGROUP2_ROOT),
    ...cgroups
      .filter((c) => q.cgroup && (c === q.cgroup || q.cgroup.path.startsWith(`${c.path}/`)))
      .map((c) => c.id ?? 0n),
  ];
  return {
    kind: "file-open",
    operation: "read",
    file: { self: fileKeyOf(q.file), ancestors: ancestorsOf(q.file) },
    subject: {
      uid: q.uid,
      gid: q.uid,
      groups: [],
      loginuid: q.loginuid,
      cgroups: chain,
      exe: fileKeyOf(q.exe),
    },
  };
}

/** Runs every read in one shell: one line "pid status" per read. */
function runReads(reads: readonly Read[]): { pid: number; status: number }[] {
  const lines = reads.map((q) => {
    const cg = q.cgroup
      ? `echo $$ > ${q.cgroup.path}/cgroup.procs; `
      : `echo $$ > ${CGROUP2_ROOT}/cgroup.procs; `;
    const inner = `echo ${q.loginuid} > /proc/self/loginuid; ${cg}exec setpriv --reuid=${q.uid} --regid=${q.uid} --clear-groups ${q.exe} ${q.file}`;
    return `sh -c 'echo $$ >&3; ${inner}' 3>&1 >/dev/null 2>&1; echo $?`;
  });
  const r = spawnSync("sh", ["-c", lines.join("\n")], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.error) throw new Error(`run reads: ${r.error.message}`);
  const nums = r.stdout.trim().split("\n").map(Number);
  return reads.map((_, i) => ({ pid: nums[2 * i] ?? -1, status: nums[2 * i + 1] ?? -1 }));
}

test(`the kernel agrees with decide() on real reads (${POLICIES} policies x ${READS} reads)`, async () => {
  const r = prng(4242);
  let agreed = 0;
  let byRule = 0;
  for (let i = 0; i < POLICIES; i++) {
    const p = randomPolicy(r);
    const gen = engine.apply(compilePolicy(p));
    const reads = Array.from({ length: READS }, () => randomRead(r));
    events.length = 0;
    const t0 = Date.now();
    const results = runReads(reads);
    console.log(`# policy ${i}: ${reads.length} reads in ${Date.now() - t0} ms`);
    await new Promise((res) => setTimeout(res, 200));
    engine.onDecision(() => undefined).consume();
    reads.forEach((q, j) => {
      const want = decide(p, requestOf(q));
      const res = results[j];
      const ev = events.find((e) => e.tgid === res?.pid && e.hook === "fileOpen");
      const action = res?.status !== 0 ? "deny" : ev ? "audit" : "allow";
      const ruleId = action === "allow" ? want.ruleId : engine.ruleId(gen, ev?.rule ?? null);
      assert.deepEqual(
        { action, ruleId },
        { action: want.action, ruleId: want.ruleId },
        `policy ${i} read ${j}: ${JSON.stringify(q, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v))} status ${res?.status}`,
      );
      agreed++;
      if (want.ruleId !== null) byRule++;
    });
  }
  console.log(`# kernel agrees with decide(): ${agreed} reads, ${byRule} decided by a rule`);
  assert.ok(byRule > agreed / 5, `${byRule} of ${agreed} decided by a rule`);
});
