import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { findSection, sectionBytes } from "../elf/elf-file.js";
import { allObjects, fixtureObject, tool } from "../elf/test-support.js";
import { readBtf } from "./btf.js";
import { bpftoolRaw } from "./bpftool-raw.js";
import { VMLINUX, objectBtf, objectElf } from "./test-support.js";

function assertSameLines(got: string[], want: string[]): void {
  assert.ok(want.length > 10, "bpftool printed types");
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++)
    if (got[i] !== want[i]) assert.equal(got[i], want[i], `line ${i + 1}`);
  assert.equal(got.length, want.length);
}

for (const path of allObjects()) {
  test(`btf ${path.split("/").pop() ?? ""}: every type matches bpftool btf dump`, () => {
    const want = tool("bpftool", ["btf", "dump", "file", path]).trimEnd().split("\n");
    assertSameLines(bpftoolRaw(objectBtf(path)), want);
  });
}

test("btf vmlinux: every type matches bpftool", () => {
  const bytes = readFileSync(VMLINUX);
  // Best of three: other test files run in parallel and a single sample is noisy.
  let ms = Infinity;
  let btf = readBtf(bytes);
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    btf = readBtf(bytes);
    ms = Math.min(ms, performance.now() - t0);
  }
  if (btf.kind === "error") assert.fail(btf.issues.map((i) => i.message).join("\n"));
  // No timed assertion (machines are noisy); the time is printed for the record.
  console.log(`# btf: vmlinux parsed in ${ms.toFixed(0)} ms (best of three)`);
  assert.ok(btf.value.types.length > 10000);
  const want = tool("bpftool", ["btf", "dump", "file", VMLINUX]).trimEnd().split("\n");
  assertSameLines(bpftoolRaw(btf.value), want);
});

function withBytes(edit: (b: Buffer) => void): Buffer {
  const b = Buffer.from(readFileSync(VMLINUX).subarray(0, 1 << 16));
  // Shrink the header's sections to what the prefix holds, so only `edit` makes it bad.
  b.writeUInt32LE(0, 8);
  b.writeUInt32LE(0, 12);
  b.writeUInt32LE(0, 16);
  b.writeUInt32LE(1, 20);
  b.writeUInt8(0, 24);
  edit(b);
  return b;
}

test("btf: bad magic, truncation, bad kind and out-of-range name are issues", () => {
  const first = (b: Buffer): { code: string; field: string; offset: number } => {
    const r = readBtf(b);
    assert.equal(r.kind, "error");
    if (r.kind !== "error" || r.issues[0] === undefined) throw new Error("unreachable");
    return r.issues[0];
  };
  assert.equal(readBtf(withBytes(() => undefined)).kind, "ok");
  assert.deepEqual(first(withBytes((b) => b.writeUInt16LE(0x1234, 0))), {
    ...first(withBytes((b) => b.writeUInt16LE(0x1234, 0))),
    code: "bad-magic",
    field: "magic",
    offset: 0,
  });
  assert.equal(first(Buffer.from([0x9f, 0xeb, 1])).code, "truncated");
  assert.equal(first(withBytes((b) => b.writeUInt32LE(1 << 20, 20))).field, "str_len");
  const full = readFileSync(VMLINUX);
  const hdrLen = full.readUInt32LE(4);
  const typeOff = hdrLen + full.readUInt32LE(8);
  const badName = Buffer.from(full);
  badName.writeUInt32LE(0x7fffffff, typeOff);
  assert.deepEqual(pick(first(badName)), {
    code: "bad-string",
    field: "types[1].name_off",
    offset: typeOff,
  });
  const badKind = Buffer.from(full);
  badKind.writeUInt32LE(31 << 24, typeOff + 4);
  assert.deepEqual(pick(first(badKind)), {
    code: "bad-kind",
    field: "types[1].info",
    offset: typeOff + 4,
  });
  const cut = first(full.subarray(0, full.length - 100));
  assert.equal(cut.code, "truncated");
});

function pick(i: { code: string; field: string; offset: number }): {
  code: string;
  field: string;
  offset: number;
} {
  return { code: i.code, field: i.field, offset: i.offset };
}

test("btf: random corruption of an object's .BTF never throws", () => {
  const elf = objectElf(fixtureObject("relocs"));
  const sec = findSection(elf, ".BTF");
  assert.ok(sec);
  const base = sectionBytes(elf, sec);
  assert.equal(readBtf(base).kind, "ok");
  let seed = 99;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 300; round++) {
    const b = Buffer.from(base);
    for (let k = 0; k < 3; k++) b[rand(b.length)] = rand(256);
    assert.doesNotThrow(() => readBtf(b));
  }
});
