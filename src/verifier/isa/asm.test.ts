import { test } from "node:test";
import assert from "node:assert/strict";
import { assemble } from "./asm.js";

test("labels resolve to slot offsets, counting lddw as two slots", () => {
  const r = assemble(
    [
      "start:",
      "lddw %r1, 0x100000000",
      "jeq %r1, 0, done # comment",
      "ja start",
      "done:",
      "exit",
    ].join("\n"),
  );
  assert.ok(r.ok);
  assert.deepEqual(r.insns[1], {
    kind: "jump",
    cond: "eq",
    width: 64,
    dst: 1,
    src: { kind: "imm", value: 0 },
    off: 1,
  });
  assert.deepEqual(r.insns[2], { kind: "goto", off: -4, long: false });
  assert.deepEqual(r.insns[0], { kind: "lddw", src: "imm64", dst: 1, imm: 0, nextImm: 1 });
});

test("lddw func names a function by its offset from the next slot, like call local", () => {
  const r = assemble(["lddw %r2, func f", "exit", "f:", "exit"].join("\n"));
  assert.ok(r.ok);
  assert.deepEqual(r.insns[0], { kind: "lddw", src: "func", dst: 2, imm: 2, nextImm: 0 });
});

test("the dialect's v4 and atomic forms", () => {
  const r = assemble(
    [
      "sdiv32 %r1, -3",
      "movsx1664 %r2, %r3",
      "ldxsh %r4, [%r1-2]",
      "lock fetch xor32 [%r10-4], %r3",
      "lock cmpxchg [%r10-8], %r1",
      "bswap32 %r0",
      "be16 %r5",
      "ja32 +2",
      "call local f",
      "call %r2",
      "f:",
      "exit",
    ].join("\n"),
  );
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(
    r.insns.map((i) => i.kind),
    [
      "alu",
      "movsx",
      "load",
      "atomic",
      "atomic",
      "endian",
      "endian",
      "goto",
      "call",
      "callx",
      "exit",
    ],
  );
  assert.deepEqual(r.insns[0], {
    kind: "alu",
    op: "sdiv",
    width: 32,
    dst: 1,
    src: { kind: "imm", value: -3 },
  });
  assert.deepEqual(r.insns[3], {
    kind: "atomic",
    op: "xor",
    fetch: true,
    size: 4,
    dst: 10,
    off: -4,
    src: 3,
  });
  assert.deepEqual(r.insns[8], { kind: "call", target: { kind: "local", off: 1 } });
});

test("errors are data with line numbers", () => {
  const r = assemble("mov %r0, 1\nfrob %r1\njeq %r1, 2, nowhere\nmov %r11, 1\nexit");
  assert.ok(!r.ok);
  assert.deepEqual(
    r.errors.map((e) => e.line),
    [2, 3, 4],
  );
  assert.match(r.errors[1]?.message ?? "", /^assemble line 3: unknown label 'nowhere'/);
});
