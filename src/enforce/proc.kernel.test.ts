// The process and kernel classes against the real kernel: exec (by file,
// fileless and of anonymous memory), capabilities, ptrace, mount and module loading, each denied for
// one subject (a user, or root in a test cgroup) and allowed for another, and
// audit mode reporting without denying. One engine for the whole suite; each
// test applies its own policy.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { repoRoot } from "../paths.js";
import { compilePolicy } from "../compile/index.js";
import { fileKeyOf } from "../identity/file.js";
import { cgroupIdOf, createCgroup, removeCgroup } from "../identity/cgroup.js";
import type { PwDecision } from "../abi/decision.js";
import type { Action, Placement, Policy, Resource, Rule, Subject } from "../policy/model.js";
import { Engine } from "./engine.js";
import { readCounters } from "./counters.js";
import { denied, policyOf, sh, type Ran, waitFor } from "./test-support.js";

requireTestVm();

const root = mkdtempSync("/tmp/pw-proc-");
const myTrue = join(root, "mytrue");
const anonExec = join(root, "anon-exec");
const scripts = {
  memfd: join(root, "memfd.py"),
  procMem: join(root, "proc_mem.py"),
  vmRead: join(root, "vm_read.py"),
  modLoad: join(root, "mod_load.py"),
  rawSocket: join(root, "raw_socket.py"),
  canSocket: join(root, "can_socket.py"),
};
const bogusKo = join(root, "bogus.ko");
let cg: Placement;
let engine: Engine;
const seen: PwDecision[] = [];

const PY = {
  // Fileless exec: a copy of true in a memfd, run through fexecve (execveat
  // AT_EMPTY_PATH) or through /proc/self/fd.
  memfd: `import os, sys
fd = os.memfd_create("x")
os.write(fd, open("/usr/bin/true", "rb").read())
if sys.argv[1] == "fd": os.execve(fd, ["x"], {})
os.execv(f"/proc/self/fd/{fd}", ["x"])`,
  procMem: `import sys
try:
    open(f"/proc/{sys.argv[1]}/mem", "rb"); print("opened", flush=True)
except PermissionError as e: print("refused", e.errno, flush=True)`,
  // Reads 8 bytes at an unmapped address: EFAULT once allowed, EPERM if refused.
  vmRead: `import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
class Iov(ctypes.Structure): _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
buf = ctypes.create_string_buffer(8)
local, remote = Iov(ctypes.cast(buf, ctypes.c_void_p), 8), Iov(0x1000, 8)
libc.process_vm_readv(int(sys.argv[1]), ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
print(ctypes.get_errno())`,
  // finit_module (313) and init_module (175) of a file that is no module: the
  // errno is EPERM (1) if refused, the loader's complaint otherwise.
  modLoad: `import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall(313, os.open(sys.argv[1], os.O_RDONLY), b"", 0); a = ctypes.get_errno()
data = open(sys.argv[1], "rb").read()
libc.syscall(175, data, len(data), b""); print(a, ctypes.get_errno())`,
  rawSocket: `import socket
socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); print("raw")`,
  // AF_CAN is a module in Debian's kernel: creating one asks for net-pf-29.
  canSocket: `import socket
try: socket.socket(29, socket.SOCK_RAW, 1)
except OSError as e: print(e.errno)`,
};

before(() => {
  chmodSync(root, 0o755);
  copyFileSync("/usr/bin/true", myTrue);
  chmodSync(myTrue, 0o755);
  copyFileSync(join(repoRoot, "build", "redteam", "anon-exec"), anonExec);
  chmodSync(anonExec, 0o755);
  for (const [k, path] of Object.entries(scripts)) writeFileSync(path, PY[k as keyof typeof PY]);
  // Longer than an ELF header: init_module refuses shorter input before the hook.
  writeFileSync(bogusKo, Buffer.alloc(4096, "not a module "));
  const path = createCgroup("pw-proc-test");
  cg = { path, id: cgroupIdOf(path), level: 1 };
  engine = Engine.load({ eventIntervalNs: 1_000_000_000n }).attach();
  engine.onDecision((d) => seen.push(d));
});

after(async () => {
  await engine[Symbol.asyncDispose]();
  removeCgroup(cg.path);
});

const user = (uid: number): Subject => ({
  identity: { kind: "user", uid },
  placement: null,
  exe: null,
});
const inTestCgroup = (): Subject => ({ identity: null, placement: cg, exe: null });

function rule(
  id: string,
  action: Action,
  resource: Resource,
  subjects: Subject[],
): Omit<Rule, "index"> {
  return { id, action, subjects, resource };
}

function execOf(
  paths: readonly (string | { path: string; tree: true })[],
  memfd = false,
): Resource {
  return {
    kind: "exec",
    memfd,
    anonymousMemory: false,
    targets: paths.map((t) =>
      typeof t === "string"
        ? { path: t, key: fileKeyOf(t), tree: false }
        : { path: t.path, key: fileKeyOf(t.path), tree: true },
    ),
  };
}

function apply(rules: Omit<Rule, "index">[], mode: Policy["mode"] = "enforce"): number {
  return engine.apply(compilePolicy(policyOf(rules, mode)));
}

/** Runs `script` as root in the test cgroup, or (inCgroup false) where the test runs. */
function asRoot(script: string, inCgroup: boolean): Ran {
  return sh(inCgroup ? `echo $$ > ${cg.path}/cgroup.procs || exit 99\n${script}` : script);
}

test("exec of a program: denied for one user, allowed for root and another user", () => {
  apply([rule("no-true-1000", "deny", execOf([myTrue]), [user(1000)])]);
  assert.ok(denied(sh(myTrue, 1000)));
  assert.equal(sh(myTrue, 1001).status, 0);
  assert.equal(sh(myTrue).status, 0);
  // The rule is about that inode: the system's true still runs.
  assert.equal(sh("/usr/bin/true", 1000).status, 0);
});

test("exec in a tree: denied in the test cgroup, allowed outside it", () => {
  apply([rule("no-tree", "deny", execOf([{ path: root, tree: true }]), [inTestCgroup()])]);
  assert.ok(denied(asRoot(myTrue, true)));
  assert.equal(asRoot(myTrue, false).status, 0);
  assert.equal(asRoot("/usr/bin/true", true).status, 0);
});

test("memfd exec: denied by a memfd rule, whichever way it is reached; files still run", () => {
  const fileless = (how: string) => sh(`python3 ${scripts.memfd} ${how}`, 1000);
  assert.equal(fileless("fd").status, 0, "runs before the policy");
  apply([rule("no-memfd", "deny", execOf([], true), [user(1000)])]);
  assert.ok(denied(fileless("fd")), "fexecve of a memfd");
  assert.ok(denied(fileless("proc")), "exec through /proc/self/fd");
  assert.equal(sh(`python3 ${scripts.memfd} fd`).status, 0, "root is not the subject");
  assert.equal(sh(myTrue, 1000).status, 0);
  // A file rule does not cover a memfd copy of that file.
  apply([rule("no-true", "deny", execOf(["/usr/bin/true"]), [user(1000)])]);
  assert.equal(fileless("fd").status, 0);
});

const ANONYMOUS_MEMORY: Resource = {
  kind: "exec",
  targets: [],
  memfd: false,
  anonymousMemory: true,
};

/** anon-exec's ways to run code from anonymous memory: the call refused and the hook. */
const ANONYMOUS_ROUTES = [
  { how: "mprotect", call: "mprotect", hook: "fileMprotect" },
  { how: "rwx", call: "mmap", hook: "mmapFile" },
  { how: "shared", call: "mprotect", hook: "fileMprotect" },
] as const;

test("anonymous memory made executable: mmap and mprotect refused for one user, with events", async () => {
  const attempt = (how: string, uid?: number) => sh(`echo $$; exec ${anonExec} ${how}`, uid);
  const pidOf = (r: Ran) => Number(r.stdout.split("\n")[0]);
  for (const { how } of ANONYMOUS_ROUTES)
    assert.equal(attempt(how, 1000).status, 0, `${how} runs before the policy`);
  seen.length = 0;
  const gen = apply([rule("no-anon-exec", "deny", ANONYMOUS_MEMORY, [user(1000)])]);
  for (const { how, call, hook } of ANONYMOUS_ROUTES) {
    const r = attempt(how, 1000);
    assert.equal(r.status, 3, `${how}: ${r.stderr}`); // EPERM or EACCES
    assert.match(r.stderr, new RegExp(`^refused: ${call}: `, "m"));
    assert.doesNotMatch(r.stdout, /anonymous code ran/);
    const pid = pidOf(r);
    await waitFor(() => seen.some((d) => d.tgid === pid && d.hook === hook));
    const events = seen.filter((d) => d.tgid === pid && d.hook === hook);
    assert.equal(events.length, 1, `${how}: one event`);
    assert.equal(events[0]?.outcome, "deny");
    assert.equal(engine.ruleId(gen, events[0]?.rule ?? null), "no-anon-exec");
  }
  assert.match(attempt("mprotect", 1001).stdout, /anonymous code ran/, "another user");
  assert.match(attempt("rwx").stdout, /anonymous code ran/, "root");
  assert.equal(sh(myTrue, 1000).status, 0, "programs from files still run");
  // Audit mode reports and lets the code run.
  seen.length = 0;
  apply([rule("watch-anon-exec", "deny", ANONYMOUS_MEMORY, [user(1000)])], "audit");
  const audited = attempt("mprotect", 1000);
  assert.match(audited.stdout, /anonymous code ran/);
  await waitFor(() => seen.some((d) => d.tgid === pidOf(audited) && d.outcome === "wouldDeny"));
});

test("capabilities: CAP_CHOWN and CAP_NET_RAW denied to root in the test cgroup only", () => {
  const f = join(root, "owned");
  writeFileSync(f, "x");
  const before = readCounters(engine.maps.counters).capable.deny;
  apply([rule("no-chown-raw", "deny", { kind: "capabilities", caps: [0, 13] }, [inTestCgroup()])]);
  assert.ok(denied(asRoot(`chown 1000 ${f}`, true)));
  assert.ok(denied(asRoot(`python3 ${scripts.rawSocket}`, true)));
  assert.equal(asRoot(`chown 1000 ${f}`, false).status, 0);
  assert.equal(asRoot(`python3 ${scripts.rawSocket}`, false).stdout, "raw\n");
  // Capabilities the rule does not name are untouched: root in the cgroup still mounts.
  const dir = join(root, "m0");
  mkdirSync(dir);
  assert.equal(asRoot(`mount -t tmpfs none ${dir} && umount ${dir}`, true).status, 0);
  assert.ok(readCounters(engine.maps.counters).capable.deny >= before + 2n);
});

test("CAP_SYS_ADMIN denied to the test cgroup: its mounts fail, the system goes on", () => {
  const dir = join(root, "m1");
  mkdirSync(dir);
  apply([rule("no-admin", "deny", { kind: "capabilities", caps: [21] }, [inTestCgroup()])]);
  mountRefused(asRoot(`mount -t tmpfs none ${dir}`, true), dir);
  assert.equal(
    asRoot(`mount -t tmpfs none ${dir} && umount ${dir} && echo ok`, false).stdout,
    "ok\n",
  );
  assert.equal(sh("mountpoint -q / && echo up").stdout, "up\n");
});

/** mount(8) words EPERM as "permission denied"; nothing may be mounted either way. */
function mountRefused(r: Ran, dir: string): void {
  assert.notEqual(r.status, 0, "mount failed");
  assert.match(r.stderr, /permission denied|not permitted/i);
  assert.notEqual(sh(`mountpoint -q ${dir}`).status, 0, `nothing is mounted on ${dir}`);
}

/** Starts a target in the background and runs `probe` (with $p its pid) against it. */
const againstTarget = (probe: string) => `sleep 60 & p=$!\n${probe}\nkill $p 2>/dev/null; wait`;

/** strace attaches and stays until the target dies; the target is killed once it is traced. */
const STRACE = `strace -q -e trace=none -p $p 2>&1 & s=$!
i=0
while [ $i -lt 200 ] && kill -0 $s 2>/dev/null && ! grep -q "TracerPid:[[:space:]]*[1-9]" /proc/$p/status; do sleep 0.1; i=$((i+1)); done
kill $p; wait $s`;

test("ptrace attach: strace, /proc/pid/mem and process_vm_readv refused in the test cgroup", () => {
  apply([rule("no-attach", "deny", { kind: "ptrace", modes: ["attach"] }, [inTestCgroup()])]);
  const strace = againstTarget(STRACE);
  const mem = againstTarget(`python3 ${scripts.procMem} $p`);
  const vm = againstTarget(`python3 ${scripts.vmRead} $p`);
  const inside = asRoot(strace, true);
  assert.match(inside.stdout, /Operation not permitted/);
  expectOut(asRoot(mem, true), /^refused 13$/m); // EACCES from mm_access
  expectOut(asRoot(vm, true), /^1$/m); // EPERM
  expectOut(asRoot(strace, false), /\+\+\+ killed by SIGTERM \+\+\+/);
  expectOut(asRoot(mem, false), /^opened$/m);
  expectOut(asRoot(vm, false), /^14$/m); // EFAULT: allowed, bad address
});

test("ptrace read: /proc/pid/environ refused while attach alone is not named", () => {
  apply([rule("no-read", "deny", { kind: "ptrace", modes: ["read"] }, [inTestCgroup()])]);
  const environ = againstTarget("cat /proc/$p/environ >/dev/null && echo read");
  assert.doesNotMatch(asRoot(environ, true).stdout, /read/);
  assert.match(asRoot(environ, false).stdout, /read/);
  expectOut(asRoot(againstTarget(`python3 ${scripts.procMem} $p`), true), /^opened$/m);
});

test("mount: denied in the test cgroup (new and bind mounts), allowed outside", () => {
  const dir = join(root, "m2");
  mkdirSync(dir);
  apply([rule("no-mount", "deny", { kind: "mount" }, [inTestCgroup()])]);
  mountRefused(asRoot(`mount -t tmpfs none ${dir}`, true), dir);
  mountRefused(asRoot(`mount --bind ${root} ${dir}`, true), dir);
  assert.equal(
    asRoot(`mount -t tmpfs none ${dir} && umount ${dir} && echo ok`, false).stdout,
    "ok\n",
  );
});

test("module loading: finit_module, init_module and insmod denied in the test cgroup", async () => {
  const load = `python3 ${scripts.modLoad} ${bogusKo}`;
  apply([rule("no-modules", "deny", { kind: "moduleLoad" }, [inTestCgroup()])]);
  expectOut(asRoot(load, true), /^1 1$/m);
  assert.match(asRoot(`insmod ${bogusKo}`, true).stderr, /Operation not permitted/);
  const outside = asRoot(load, false).stdout.trim().split(" ");
  assert.equal(outside.length, 2);
  assert.ok(!outside.includes("1"), `outside the cgroup the loader decides: ${outside.join(" ")}`);
  // A socket family that is a module makes the kernel ask for it on the task's behalf.
  seen.length = 0;
  const r = asRoot(`echo $$; exec python3 ${scripts.canSocket}`, true);
  const pid = Number(r.stdout.split("\n")[0]);
  await waitFor(() => seen.some((d) => d.tgid === pid && d.hook === "kernelModuleRequest"));
});

test("audit mode: exec, capability and ptrace denials are reported, not enforced", async () => {
  seen.length = 0;
  const gen = apply(
    [
      rule("watch-true", "deny", execOf([myTrue]), [user(1000)]),
      rule("watch-chown", "deny", { kind: "capabilities", caps: [0] }, [inTestCgroup()]),
      rule("watch-attach", "deny", { kind: "ptrace", modes: ["attach"] }, [inTestCgroup()]),
    ],
    "audit",
  );
  const exec = sh(`echo $$; exec ${myTrue}`, 1000);
  assert.equal(exec.status, 0);
  const f = join(root, "audited");
  writeFileSync(f, "x");
  const chown = asRoot(`echo $$; exec chown 1000 ${f}`, true);
  assert.equal(chown.status, 0, chown.stderr);
  const mem = asRoot(`echo $$; ${againstTarget(`python3 ${scripts.procMem} $p`)}`, true);
  expectOut(mem, /^opened$/m);
  const pidOf = (r: Ran) => Number(r.stdout.split("\n")[0]);
  const expect = [
    { tgid: pidOf(exec), hook: "bprmCheck", rule: "watch-true" },
    { tgid: pidOf(chown), hook: "capable", rule: "watch-chown" },
  ];
  for (const want of expect) {
    await waitFor(() => seen.some((d) => d.tgid === want.tgid && d.hook === want.hook));
    const e = seen.find((d) => d.tgid === want.tgid && d.hook === want.hook);
    assert.equal(e?.outcome, "wouldDeny", want.hook);
    assert.equal(engine.ruleId(gen, e?.rule ?? null), want.rule);
  }
  assert.deepEqual(
    seen.find((d) => d.tgid === pidOf(exec) && d.hook === "bprmCheck")?.file,
    fileKeyOf(myTrue),
  );
  await waitFor(() => seen.some((d) => d.hook === "ptraceAccess" && d.outcome === "wouldDeny"));
});

function expectOut(r: Ran, want: RegExp): void {
  assert.match(r.stdout, want, `stdout ${JSON.stringify(r.stdout)} stderr ${r.stderr}`);
}
