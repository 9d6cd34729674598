import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeProgram, decodeSlots } from "./decode.js";
import type { RawInsn } from "./raw.js";

const r = (opcode: number, f: Partial<Omit<RawInsn, "opcode">> = {}): RawInsn => ({
  opcode,
  dst: f.dst ?? 0,
  src: f.src ?? 0,
  off: f.off ?? 0,
  imm: f.imm ?? 0,
});
const codes = (raws: RawInsn[]) => decodeSlots(raws).issues.map((i) => [i.code, i.pc]);

test("little-endian fields decode from bytes", () => {
  const bytes = Uint8Array.from([
    0x79, 0xa1, 0xf8, 0xff, 0, 0, 0, 0, 0x07, 0x02, 0, 0, 0xf0, 0xff, 0xff, 0xff,
  ]);
  const { insns, issues } = decodeProgram(bytes);
  assert.deepEqual(issues, []);
  assert.deepEqual(insns[0]?.insn, {
    kind: "load",
    size: 8,
    signed: false,
    dst: 1,
    src: 10,
    off: -8,
  });
  assert.deepEqual(insns[1], {
    pc: 1,
    insn: { kind: "alu", op: "add", width: 64, dst: 2, src: { kind: "imm", value: -16 } },
  });
});

test("reserved fields, bad opcodes and registers are issues with pcs", () => {
  assert.deepEqual(codes([r(0x95, { imm: 1 })]), [["reserved-nonzero", 0]]);
  assert.deepEqual(codes([r(0x95), r(0xff)]), [["bad-opcode", 1]]);
  assert.deepEqual(codes([r(0xbf, { dst: 11, src: 1 })]), [["bad-register", 0]]);
  assert.deepEqual(codes([r(0xbf, { dst: 10, src: 1 })]), [["readonly-register", 0]]);
  assert.deepEqual(codes([r(0x0f, { dst: 1, src: 2, imm: 3 })]), [["reserved-nonzero", 0]]);
  assert.deepEqual(codes([r(0x07, { dst: 1, src: 2 })]), [["reserved-nonzero", 0]]);
  assert.deepEqual(codes([r(0x3f, { dst: 1, src: 2, off: 2 })]), [["bad-offset", 0]]);
  assert.deepEqual(codes([r(0xbc, { dst: 1, src: 2, off: 32 })]), [["bad-offset", 0]]);
  assert.deepEqual(codes([r(0xdf, { dst: 1, imm: 16 })]), [["bad-opcode", 0]]);
  assert.deepEqual(codes([r(0xd4, { dst: 1, imm: 8 })]), [["bad-imm", 0]]);
  assert.deepEqual(codes([r(0xdb, { dst: 1, src: 2, imm: 0x02 })]), [["bad-imm", 0]]);
  assert.deepEqual(codes([r(0x98, { dst: 1, src: 2 })]), [["bad-opcode", 0]]);
  assert.deepEqual(codes([r(0x85, { src: 3, imm: 1 })]), [["reserved-nonzero", 0]]);
  assert.deepEqual(codes([r(0x96, {})]), [["bad-opcode", 0]]);
});

test("lddw needs a clean second slot and a known src", () => {
  assert.deepEqual(codes([r(0x18, { dst: 1 })]), [["truncated-lddw", 0]]);
  assert.deepEqual(codes([r(0x18, { dst: 1, src: 7 }), r(0)]), [["bad-lddw-src", 0]]);
  assert.deepEqual(codes([r(0x18, { dst: 1 }), r(0, { dst: 1 })]), [["bad-lddw-second-slot", 0]]);
  const ok = decodeSlots([r(0x18, { dst: 1, src: 2, imm: 5 }), r(0, { imm: 16 }), r(0x95)]);
  assert.deepEqual(ok.insns, [
    { pc: 0, insn: { kind: "lddw", src: "map-value-fd", dst: 1, imm: 5, nextImm: 16 } },
    { pc: 2, insn: { kind: "exit" } },
  ]);
});

test("a trailing partial slot is reported", () => {
  const { issues } = decodeProgram(Uint8Array.from([0x95, 0, 0, 0, 0, 0, 0, 0, 0x95]));
  assert.deepEqual(
    issues.map((i) => i.code),
    ["truncated-slot"],
  );
  assert.match(issues[0]?.message ?? "", /^decode insn 1: /);
});
