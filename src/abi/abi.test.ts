// The TypeScript codecs must match the C records the kernel writes. This reads
// the built object's BTF (not the header text) and compares every field offset,
// the record sizes and the enum values, so a drift fails here, not in production.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { findSection, readElf, sectionBytes } from "../verifier/elf/index.js";
import { findType, readBtf, type Btf } from "../verifier/btf/index.js";
import { bpfObjectPath } from "../paths.js";
import { EVENT_LAYOUT, EVENT_SIZE, Hook, Verdict } from "./event.js";
import { FILE_KEY_LAYOUT, FILE_KEY_SIZE } from "./file-key.js";
import { SUBJECT_LAYOUT, SUBJECT_SIZE } from "./subject.js";

function objectBtf(name: string): Btf {
  const elf = readElf(readFileSync(bpfObjectPath(name)));
  assert.equal(elf.kind, "ok");
  if (elf.kind !== "ok") throw new Error("unreachable");
  const section = findSection(elf.value, ".BTF");
  assert.ok(section, `${name} has .BTF`);
  const btf = readBtf(sectionBytes(elf.value, section));
  if (btf.kind !== "ok") throw new Error(btf.issues.map((i) => i.message).join("; "));
  return btf.value;
}

const btf = objectBtf("file_guard");

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
    assert.equal(fromC[cName], value, `${cName}`);
  }
  assert.equal(
    e.values.length,
    Object.keys(values).length,
    `every member of enum ${name} is mirrored`,
  );
}

test("struct pw_event matches its codec", () => assertStruct("pw_event", EVENT_LAYOUT, EVENT_SIZE));
test("struct pw_file_key matches its codec", () =>
  assertStruct("pw_file_key", FILE_KEY_LAYOUT, FILE_KEY_SIZE));
test("struct pw_subject matches its codec", () =>
  assertStruct("pw_subject", SUBJECT_LAYOUT, SUBJECT_SIZE));
test("enum pw_hook matches", () => assertEnum("pw_hook", Hook, "PW_HOOK_"));
test("enum pw_verdict matches", () => assertEnum("pw_verdict", Verdict, "PW_VERDICT_"));
