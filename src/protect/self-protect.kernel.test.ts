// Self-protection against root, checked on the real kernel in the test VM. This
// test process is the sealed agent; every attack comes from another process
// (bpftool, rm, umount, kill, strace, another node) running as root, and each
// refusal must show both in the exit status and as a tamper event.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { BpfMap } from "../kernel/index.js";
import { repoRoot, bpfObjectPath } from "../paths.js";
import { SelfProtect, DEFAULT_PIN_DIR } from "./self-protect.js";
import { encodeObjectKey, type ObjectKindName, type Seal, type TamperEvent } from "./records.js";
import { readSeal } from "./seal.js";

requireTestVm();

const BPF_PROG_LOAD = 5;
const BPF_PROG_GET_FD_BY_ID = 13;
const BPF_MAP_GET_FD_BY_ID = 14;
const BPF_LINK_GET_FD_BY_ID = 30;
const BPF_MAP_UPDATE_ELEM = 2;
const BPF_PROG_TYPE_LSM = 29;
const SIGKILL = 9;
const READING_MODULE = 2;

const tmp = mkdtempSync("/tmp/pw-protect-");
const pin = (name: string): string => join(DEFAULT_PIN_DIR, name);
let sp: SelfProtect;
let seal: Seal;

function run(cmd: string, ...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: "utf8", timeout: 20_000 });
}

/** clang under TCG needs far longer than the attack commands. */
function compile(source: string, out: string): SpawnSyncReturns<string> {
  const flags = ["-O2", "-g", "-target", "bpf", "-I", join(repoRoot, "build", "bpf")];
  return spawnSync("clang-19", [...flags, "-c", source, "-o", out], {
    encoding: "utf8",
    timeout: 300_000,
  });
}

function idOf(kind: ObjectKindName): number {
  const key = sp.guardedIds.find((k) => k.kind === kind);
  assert.ok(key, `a ${kind} is guarded`);
  return key.id;
}

/** Asserts the command failed with `message` and that the kernel reported it. */
async function refused(
  r: SpawnSyncReturns<string>,
  message: RegExp,
  hook: TamperEvent["hook"],
): Promise<TamperEvent> {
  assert.notEqual(r.status, 0, `expected a refusal, got: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, message);
  const event = await sp.log.waitFor((e) => e.tgid === r.pid && e.hook === hook);
  assert.equal(event.uid, 0);
  return event;
}

before(() => {
  // A map that is not Proofwall's, created first so that it has the lowest id.
  const made = run("bpftool", "map", "create", "/sys/fs/bpf/foreign", ...mapArgs("foreign"));
  assert.equal(made.status, 0, made.stderr);
  sp = SelfProtect.start();
  seal = sp.seal(["denyModules", "lockdown"]);
});

function mapArgs(name: string): string[] {
  return ["type", "hash", "key", "4", "value", "4", "entries", "4", "name", name];
}

after(async () => {
  await sp[Symbol.asyncDispose]();
  run("rm", "-f", "/sys/fs/bpf/foreign");
});

test("the kernel claims the agent: this process, its start time, its executable", () => {
  assert.equal(seal.agentTgid, process.pid);
  assert.ok(seal.agentStartTime > 0n);
  assert.ok(seal.agentExeIno > 0n);
  assert.deepEqual(seal.flags, ["active", "denyModules", "lockdown"]);
});

test("bpftool map update of a pinned Proofwall map is refused", async () => {
  const key = encodeObjectKey({ kind: "map", id: 999_999 });
  const r = run(
    "bpftool",
    ...["map", "update", "pinned", pin("pw_guarded_objs")],
    ...["key", "hex", ...[...key].map((b) => b.toString(16).padStart(2, "0"))],
    ...["value", "hex", "01"],
  );
  await refused(r, /Operation not permitted/, "inodePermission");
});

test("bpftool map dump by id is refused, listing ids is not", async () => {
  const id = idOf("map");
  const dump = run("bpftool", "map", "dump", "id", String(id));
  const e = await refused(dump, /Operation not permitted/, "bpf");
  assert.equal(e.detail, BPF_MAP_GET_FD_BY_ID);
  assert.equal(e.target, BigInt(id));
  // bpftool 7.1 walks ids (allowed), then asks a read-write fd for each to
  // show it: the foreign map is shown, ours stops the walk with EPERM.
  const show = run("bpftool", "map", "show");
  assert.match(show.stdout, /name foreign/);
  assert.match(show.stderr, /can't get map by id \(\d+\): Operation not permitted/);
});

test("bpftool prog dump by id is refused", async () => {
  const id = idOf("prog");
  const e = await refused(
    run("bpftool", "prog", "dump", "xlated", "id", String(id)),
    /Operation not permitted/,
    "bpf",
  );
  assert.equal(e.detail, BPF_PROG_GET_FD_BY_ID);
  assert.equal(e.target, BigInt(id));
});

test("bpftool link detach is refused by id and by pin", async () => {
  const id = idOf("link");
  const e = await refused(
    run("bpftool", "link", "detach", "id", String(id)),
    /Operation not permitted/,
    "bpf",
  );
  assert.equal(e.detail, BPF_LINK_GET_FD_BY_ID);
  await refused(
    run("bpftool", "link", "detach", "pinned", pin("link_pw_bpf")),
    /Operation not permitted/,
    "inodePermission",
  );
});

test("pins cannot be removed, renamed, or their bpffs unmounted", async () => {
  await refused(run("rm", "-f", pin("link_pw_bpf")), /Operation not permitted/, "inodeUnlink");
  await refused(
    run("mv", pin("pw_seal"), pin("pw_seal_old")),
    /Operation not permitted/,
    "inodeRename",
  );
  await refused(
    run("mv", DEFAULT_PIN_DIR, "/sys/fs/bpf/elsewhere"),
    /not permitted/,
    "inodeRename",
  );
  await refused(run("umount", "/sys/fs/bpf"), /must be superuser|not permitted/, "sbUmount");
  await refused(run("umount", "-l", "/sys/fs/bpf"), /must be superuser|not permitted/, "sbUmount");
  assert.equal(
    run("ls", DEFAULT_PIN_DIR).stdout.split("\n").filter(Boolean).length,
    sp.pins.length,
  );
});

test("the agent cannot be killed; kill -0 still probes it", async () => {
  const e = await refused(
    run("kill", "-9", String(process.pid)),
    /Operation not permitted/,
    "taskKill",
  );
  assert.equal(e.detail, SIGKILL);
  assert.equal(e.target, BigInt(process.pid));
  await refused(run("kill", "-TERM", String(process.pid)), /Operation not permitted/, "taskKill");
  assert.equal(run("kill", "-0", String(process.pid)).status, 0);
});

test("the agent cannot be traced or have its memory read; other processes can", async () => {
  await refused(
    run("head", "-c1", `/proc/${process.pid}/mem`),
    /Permission denied|not permitted/,
    "ptrace",
  );
  await refused(
    run("strace", "-p", String(process.pid), "-e", "trace=none", "-o", "/dev/null"),
    /Operation not permitted/,
    "ptrace",
  );
  const other = run("sh", "-c", "sleep 5 & p=$!; exec 3< /proc/$p/mem && echo opened; kill $p");
  assert.match(other.stdout, /opened/, other.stderr);
});

test("loading an LSM program is refused, a socket filter still loads", async () => {
  const e = await refused(
    run("bpftool", "prog", "load", bpfObjectPath("file_guard"), "/sys/fs/bpf/fg"),
    /Operation not permitted|failed to load/,
    "bpf",
  );
  assert.equal(e.detail, BPF_PROG_LOAD);
  assert.equal(e.target, BigInt(BPF_PROG_TYPE_LSM));
  const obj = join(tmp, "socket_filter.bpf.o");
  const cc = compile(join(repoRoot, "src", "protect", "test-data", "socket_filter.bpf.c"), obj);
  assert.equal(cc.status, 0, cc.stderr);
  const load = run("bpftool", "prog", "load", obj, "/sys/fs/bpf/sf");
  assert.equal(load.status, 0, load.stderr);
  assert.match(run("bpftool", "prog", "show", "pinned", "/sys/fs/bpf/sf").stdout, /socket_filter/);
  run("rm", "-f", "/sys/fs/bpf/sf");
});

test("another node process, same executable, is still refused", () => {
  const script = `
    const { BpfMap } = await import(${JSON.stringify(join(repoRoot, "dist", "kernel", "index.js"))});
    try { BpfMap.openPinned(${JSON.stringify(pin("pw_seal"))}); console.log("opened"); }
    catch (e) { console.log(e.code); }`;
  const r = run(process.execPath, "--input-type=module", "-e", script);
  assert.equal(r.stdout.trim(), "EPERM", r.stderr);
});

test("a map fd inherited from the agent cannot write", async () => {
  const map = sp.map("pw_guarded_objs");
  const script = `
    const { BpfMap } = await import(${JSON.stringify(join(repoRoot, "dist", "kernel", "index.js"))});
    const m = new BpfMap(3, ${JSON.stringify(map.spec)}, false);
    try { m.update(Buffer.alloc(8, 7), Buffer.from([1])); console.log("written"); }
    catch (e) { console.log(e.code); }`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe", map.fd],
  });
  assert.equal(r.stdout.trim(), "EPERM", r.stderr);
  const e = await sp.log.waitFor((x) => x.tgid === r.pid && x.hook === "bpf");
  assert.equal(e.detail, BPF_MAP_UPDATE_ELEM);
  assert.equal(map.lookup(Buffer.alloc(8, 7)), undefined);
});

test("module loading is refused while the seal says so", async () => {
  const ko = join(tmp, "bogus.ko");
  writeFileSync(ko, "not a module");
  const e = await refused(run("insmod", ko), /Operation not permitted/, "kernelReadFile");
  assert.equal(e.detail, READING_MODULE);
});

test("/dev/mem is refused under the lockdown switch", async () => {
  await refused(run("head", "-c1", "/dev/mem"), /Operation not permitted/, "lockedDown");
});

test("the agent itself keeps full use of its maps and pins", () => {
  const key = encodeObjectKey({ kind: "map", id: 4_000_000 });
  const guarded = sp.map("pw_guarded_objs");
  guarded.update(key, Buffer.from([1]));
  assert.deepEqual(guarded.lookup(key), Buffer.from([1]));
  assert.equal(guarded.delete(key), true);
  using pinned = BpfMap.openPinned(pin("pw_seal"));
  assert.equal(readSeal(pinned).agentTgid, process.pid);
});

test("unsealing (by the agent) gives everything back", () => {
  sp.unseal();
  const dump = run("bpftool", "map", "dump", "id", String(idOf("map")));
  assert.equal(dump.status, 0, dump.stderr);
  const ko = join(tmp, "bogus.ko");
  assert.doesNotMatch(run("insmod", ko).stderr, /Operation not permitted/);
});
