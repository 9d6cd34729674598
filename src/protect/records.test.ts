// The codecs must match what self_protect.bpf.o was compiled with: offsets,
// sizes and enum values come from the object's BTF, not from the header text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { findSection, readElf, sectionBytes } from "../verifier/elf/index.js";
import { findType, readBtf, type Btf } from "../verifier/btf/index.js";
import { bpfObjectPath } from "../paths.js";
import {
  OBJECT_KEY_LAYOUT,
  OBJECT_KEY_SIZE,
  ObjectKind,
  PinKind,
  ProtectHook,
  SEAL_LAYOUT,
  SEAL_SIZE,
  SealFlag,
  TAMPER_EVENT_LAYOUT,
  TAMPER_EVENT_SIZE,
  decodeSeal,
  decodeTamperEvent,
  encodeObjectKey,
  encodeSeal,
} from "./records.js";

function objectBtf(): Btf {
  const elf = readElf(readFileSync(bpfObjectPath("self_protect")));
  if (elf.kind !== "ok") throw new Error("self_protect.bpf.o is not a readable ELF");
  const section = findSection(elf.value, ".BTF");
  assert.ok(section, "self_protect.bpf.o has .BTF");
  const btf = readBtf(sectionBytes(elf.value, section));
  if (btf.kind !== "ok") throw new Error(btf.issues.map((i) => i.message).join("; "));
  return btf.value;
}

const btf = objectBtf();

function assertStruct(name: string, layout: Record<string, number>, size: number): void {
  const struct = findType(btf, name, "struct");
  assert.ok(struct, `struct ${name} is in the object's BTF`);
  assert.equal(struct.size, size, `sizeof(struct ${name})`);
  const offsets = Object.fromEntries(struct.members.map((m) => [m.name, m.bitOffset / 8]));
  assert.deepEqual(offsets, layout, `field offsets of struct ${name}`);
}

function assertEnum(name: string, values: Record<string, number>, prefix: string): void {
  const e = findType(btf, name, "enum");
  assert.ok(e, `enum ${name} is in the object's BTF`);
  const fromC = Object.fromEntries(e.values.map((v) => [v.name, v.value]));
  for (const [key, value] of Object.entries(values)) {
    const cName = prefix + key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
    assert.equal(fromC[cName], value, cName);
  }
  assert.equal(e.values.length, Object.keys(values).length, `every member of ${name} is mirrored`);
}

test("struct pw_seal matches its codec", () => assertStruct("pw_seal", SEAL_LAYOUT, SEAL_SIZE));
test("struct pw_object_key matches its codec", () =>
  assertStruct("pw_object_key", OBJECT_KEY_LAYOUT, OBJECT_KEY_SIZE));
test("struct pw_tamper_event matches its codec", () =>
  assertStruct("pw_tamper_event", TAMPER_EVENT_LAYOUT, TAMPER_EVENT_SIZE));
test("enum pw_protect_hook matches", () =>
  assertEnum("pw_protect_hook", ProtectHook, "PW_PROTECT_"));
test("enum pw_object_kind matches", () => assertEnum("pw_object_kind", ObjectKind, "PW_OBJECT_"));
test("enum pw_seal_flag matches", () => assertEnum("pw_seal_flag", SealFlag, "PW_SEAL_"));
test("enum pw_pin_kind matches", () => assertEnum("pw_pin_kind", PinKind, "PW_PIN_"));

test("a seal survives encode and decode, flags included", () => {
  const seal = {
    agentTgid: 4242,
    agentStartTime: 123456789012n,
    agentExeIno: 77n,
    agentExeDev: (8 << 20) | 1,
    pinDirIno: 9001n,
    pinDirDev: 23,
    flags: ["active", "lockdown"] as const,
  };
  const bytes = encodeSeal(seal);
  assert.equal(bytes.readUInt32LE(SEAL_LAYOUT.flags), 9);
  assert.deepEqual(decodeSeal(bytes), seal);
});

test("an object key puts the kind before the id", () => {
  const bytes = encodeObjectKey({ kind: "link", id: 0x01020304 });
  assert.deepEqual([...bytes], [3, 0, 0, 0, 4, 3, 2, 1]);
});

test("a tamper event decodes every field and names unknown hooks", () => {
  const L = TAMPER_EVENT_LAYOUT;
  const raw = Buffer.alloc(TAMPER_EVENT_SIZE);
  raw.writeBigUInt64LE(5n, L.ts_ns);
  raw.writeBigUInt64LE(31n, L.target);
  raw.writeUInt32LE(100, L.pid);
  raw.writeUInt32LE(99, L.tgid);
  raw.writeUInt32LE(1000, L.uid);
  raw.writeUInt32LE(ProtectHook.taskKill, L.hook);
  raw.writeUInt32LE(9, L.detail);
  raw.write("bash", L.comm);
  raw.writeBigUInt64LE(4242n, L.cgroup_id);
  assert.deepEqual(decodeTamperEvent(raw), {
    tsNs: 5n,
    target: 31n,
    pid: 100,
    tgid: 99,
    uid: 1000,
    hook: "taskKill",
    detail: 9,
    comm: "bash",
    cgroupId: 4242n,
  });
  raw.writeUInt32LE(77, L.hook);
  assert.equal(decodeTamperEvent(raw).hook, "unknown(77)");
  assert.throws(() => decodeTamperEvent(raw.subarray(0, 10)), /expected 64/);
});
