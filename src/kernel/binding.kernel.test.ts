// The libbpf binding against the real kernel (test VM): maps, batch updates,
// iteration, freezing, pins, rodata, verifier logs, LSM and cgroup links, and
// a ring buffer read without blocking the event loop.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import {
  BpfMap,
  BpfObject,
  BpfLink,
  KernelError,
  MapType,
  RingBufferReader,
  UpdateFlags,
} from "./index.js";
import { bpfObjectPath } from "../paths.js";
import { createCgroup, removeCgroup } from "../identity/cgroup.js";

requireTestVm();

const probePath = bpfObjectPath("test-data/binding_probe");
const u32 = (n: number): Buffer => Buffer.from(new Uint32Array([n]).buffer);
const u64 = (n: bigint): Buffer => Buffer.from(new BigUint64Array([n]).buffer);

test("hash map: update, lookup, delete, iterate", () => {
  using map = BpfMap.create({
    name: "pw_t_hash",
    type: MapType.hash,
    keySize: 4,
    valueSize: 8,
    maxEntries: 8,
  });
  map.update(u32(1), u64(10n));
  map.update(u32(2), u64(20n), UpdateFlags.noExist);
  assert.equal(map.lookup(u32(1))?.readBigUInt64LE(0), 10n);
  assert.equal(map.lookup(u32(3)), undefined);
  assert.throws(
    () => map.update(u32(2), u64(0n), UpdateFlags.noExist),
    (e: unknown) => e instanceof KernelError && e.code === "EEXIST",
  );
  assert.deepEqual([...map.keys()].map((k) => k.readUInt32LE(0)).sort(), [1, 2]);
  assert.equal(map.delete(u32(1)), true);
  assert.equal(map.delete(u32(1)), false);
  assert.deepEqual(
    [...map.entries()].map(([k, v]) => [k.readUInt32LE(0), v.readBigUInt64LE(0)]),
    [[2, 20n]],
  );
});

test("full map reports E2BIG with the map name", () => {
  using map = BpfMap.create({
    name: "pw_t_small",
    type: MapType.hash,
    keySize: 4,
    valueSize: 4,
    maxEntries: 1,
  });
  map.update(u32(1), u32(1));
  assert.throws(() => map.update(u32(2), u32(2)), /^KernelError: update map pw_t_small: E2BIG/);
});

test("batch update writes every entry in one call", () => {
  using map = BpfMap.create({
    name: "pw_t_batch",
    type: MapType.hash,
    keySize: 4,
    valueSize: 4,
    maxEntries: 1000,
  });
  const entries = Array.from({ length: 500 }, (_, i) => [u32(i), u32(i * 3)] as const);
  map.updateBatch(entries);
  assert.equal([...map.keys()].length, 500);
  assert.equal(map.lookup(u32(499))?.readUInt32LE(0), 1497);
});

test("per-cpu maps give one value slot per possible cpu", () => {
  using map = BpfMap.create({
    name: "pw_t_pcpu",
    type: MapType.percpuArray,
    keySize: 4,
    valueSize: 8,
    maxEntries: 1,
  });
  assert.ok(map.valueBytes >= 8 && map.valueBytes % 8 === 0);
  map.update(u32(0), Buffer.alloc(map.valueBytes, 1));
  assert.equal(map.lookup(u32(0))?.length, map.valueBytes);
});

test("a frozen map refuses user-space writes with EPERM", () => {
  using map = BpfMap.create({
    name: "pw_t_frozen",
    type: MapType.array,
    keySize: 4,
    valueSize: 4,
    maxEntries: 1,
  });
  map.update(u32(0), u32(7));
  map.freeze();
  assert.throws(
    () => map.update(u32(0), u32(8)),
    (e: unknown) => e instanceof KernelError && e.code === "EPERM",
  );
  assert.equal(map.lookup(u32(0))?.readUInt32LE(0), 7);
});

test("pinned maps survive their creator and reopen with their shape", () => {
  const pin = `/sys/fs/bpf/pw_t_pin_${process.pid}`;
  {
    using map = BpfMap.create({
      name: "pw_t_pin",
      type: MapType.hash,
      keySize: 8,
      valueSize: 2,
      maxEntries: 3,
    });
    map.update(u64(5n), Buffer.from([1, 2]));
    map.pin(pin);
  }
  using again = BpfMap.openPinned(pin);
  assert.deepEqual(
    [again.name, again.type, again.keySize, again.valueSize, again.maxEntries],
    ["pw_t_pin", MapType.hash, 8, 2, 3],
  );
  assert.deepEqual([...(again.lookup(u64(5n)) ?? [])], [1, 2]);
  again.unpin(pin);
  assert.throws(() => BpfMap.openPinned(pin), /ENOENT/);
  assert.throws(() => again.unpin(pin), /^KernelError: unpin map pw_t_pin at .*: ENOENT/);
});

test("a rejected program's error carries the kernel verifier log", () => {
  using obj = BpfObject.open(bpfObjectPath("test-data/rejected_stack_oob"));
  assert.throws(
    () => obj.load(),
    (e: unknown) =>
      e instanceof KernelError &&
      e.code === "EACCES" &&
      /^load object rejected_stack_oob\.bpf\.o/.test(e.message) &&
      /invalid read from stack R10 off=-520/.test(e.verifierLog ?? ""),
  );
});

test("unknown rodata variables are refused and name the ones that exist", () => {
  using obj = BpfObject.open(probePath);
  assert.throws(() => obj.setRodata({ nope: 1 }), /no variable nope \(have: target_tgid, magic\)/);
});

test("rodata, LSM attach and a ring buffer that does not block the event loop", async () => {
  const dir = mkdtempSync("/tmp/pw-binding-");
  const file = join(dir, "f");
  writeFileSync(file, "x");
  using obj = BpfObject.open(probePath)
    .setRodata({ target_tgid: process.pid, magic: 0xfeedfacecafebeefn })
    .load();
  const records: Buffer[] = [];
  await using _reader = new RingBufferReader(obj.map("probe_events"), (r) =>
    records.push(r),
  ).start();
  using link = obj.program("probe_file_open").attachLsm();
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  readFileSync(file);
  const ino = statSync(file, { bigint: true }).ino;
  const deadline = Date.now() + 5000;
  while (!records.some((r) => r.readBigUInt64LE(8) === ino) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  clearInterval(ticker);
  const mine = records.find((r) => r.readBigUInt64LE(8) === ino);
  assert.ok(mine, "the open produced a ring buffer record");
  assert.equal(mine.readBigUInt64LE(0), 0xfeedfacecafebeefn);
  assert.ok(ticks > 0, "timers ran while the reader waited");
  assert.ok((obj.map("probe_opens").lookup(u32(0))?.readBigUInt64LE(0) ?? 0n) >= 1n);
  assert.ok(link.fd > 0);
  rmSync(dir, { recursive: true });
});

test("a pinned LSM link keeps enforcing after its handle is gone and detaches on unpin", () => {
  const pin = `/sys/fs/bpf/pw_t_link_${process.pid}`;
  using obj = BpfObject.open(probePath).setRodata({ target_tgid: process.pid }).load();
  const counter = obj.map("probe_opens");
  {
    using link = obj.program("probe_file_open").attachLsm();
    link.pin(pin);
  }
  const before = counter.lookup(u32(0))?.readBigUInt64LE(0) ?? 0n;
  readFileSync("/proc/self/status");
  const after = counter.lookup(u32(0))?.readBigUInt64LE(0) ?? 0n;
  assert.ok(after > before, "still attached through the pin");
  {
    // Tracing links (LSM among them) cannot be force-detached on 6.1
    // (EOPNOTSUPP); removing the pin and the last fd releases them.
    using adopted = BpfLink.openPinned(pin);
    assert.throws(() => adopted.detach(), /EOPNOTSUPP/);
    adopted.unpin();
  }
  const settled = counter.lookup(u32(0))?.readBigUInt64LE(0) ?? 0n;
  readFileSync("/proc/self/status");
  assert.equal(counter.lookup(u32(0))?.readBigUInt64LE(0), settled, "detached: no more counts");
});

test("a cgroup program attaches to a cgroup and affects only its processes", () => {
  const cgroup = createCgroup(`pw-t-sock-${process.pid}`);
  const socket = (inside: boolean): number | null => {
    const enter = inside ? `echo $$ > ${cgroup}/cgroup.procs && ` : "";
    // perl starts much faster than python under TCG
    return spawnSync("sh", ["-c", `${enter}exec perl -e 'socket(S, 2, 1, 0) or exit 1'`]).status;
  };
  try {
    using obj = BpfObject.open(probePath).load();
    {
      using link = obj.program("probe_deny_sockets").attachCgroup(cgroup);
      assert.notEqual(socket(true), 0, "socket() refused inside the cgroup");
      assert.equal(socket(false), 0, "socket() allowed outside");
      assert.ok(link.fd > 0);
    }
    assert.equal(socket(true), 0, "allowed again once the link is released");
  } finally {
    removeCgroup(cgroup);
  }
});
