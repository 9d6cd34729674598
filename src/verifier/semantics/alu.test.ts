import { test } from "node:test";
import assert from "node:assert/strict";
import { aluOp, atomicResult, endian, immValue, jumpTaken, MASK64, movsx, neg } from "./alu.js";

const INT64_MIN = 1n << 63n;

test("32-bit results are zero-extended and immediates sign-extend", () => {
  assert.equal(aluOp("add", 32, 0xffff_ffff_ffff_ffffn, 1n), 0n);
  assert.equal(aluOp("add", 64, 0n, immValue(-1)), MASK64);
  assert.equal(aluOp("sub", 32, 0x1_0000_0000n, 1n), 0xffff_ffffn);
  assert.equal(aluOp("mul", 64, INT64_MIN, MASK64), INT64_MIN);
});

test("division and modulo by zero follow RFC 9669", () => {
  assert.equal(aluOp("div", 64, 7n, 0n), 0n);
  assert.equal(aluOp("sdiv", 32, 7n, 0n), 0n);
  assert.equal(aluOp("mod", 64, 0x1_2345_6789n, 0n), 0x1_2345_6789n);
  // 32-bit mod by zero keeps dst but clears its upper half.
  assert.equal(aluOp("mod", 32, 0x1_2345_6789n, 0n), 0x2345_6789n);
  assert.equal(aluOp("smod", 64, immValue(-7), 0n), immValue(-7));
});

test("signed division truncates toward zero and INT_MIN / -1 wraps", () => {
  assert.equal(aluOp("sdiv", 64, immValue(-7), 2n), immValue(-3));
  assert.equal(aluOp("smod", 64, immValue(-7), 2n), immValue(-1));
  assert.equal(aluOp("smod", 64, 7n, immValue(-2)), 1n);
  assert.equal(aluOp("sdiv", 64, INT64_MIN, MASK64), INT64_MIN);
  assert.equal(aluOp("smod", 64, INT64_MIN, MASK64), 0n);
  assert.equal(aluOp("sdiv", 32, 0x8000_0000n, 0xffff_ffffn), 0x8000_0000n);
});

test("shift amounts are masked; arsh keeps the sign", () => {
  assert.equal(aluOp("lsh", 64, 1n, 65n), 2n);
  assert.equal(aluOp("lsh", 32, 1n, 33n), 2n);
  assert.equal(aluOp("rsh", 32, 0xffff_ffff_0000_0010n, 36n), 1n);
  assert.equal(aluOp("arsh", 32, 0x8000_0000n, 4n), 0xf800_0000n);
  assert.equal(aluOp("arsh", 64, INT64_MIN, 63n), MASK64);
});

test("movsx, neg and byte swaps", () => {
  assert.equal(movsx(64, 8, 0x80n), 0xffff_ffff_ffff_ff80n);
  assert.equal(movsx(32, 16, 0x8001n), 0xffff_8001n);
  assert.equal(movsx(64, 32, 0x1_7fff_ffffn), 0x7fff_ffffn);
  assert.equal(neg(32, 0x8000_0000n), 0x8000_0000n);
  assert.equal(neg(64, 1n), MASK64);
  assert.equal(endian("be", 16, 0x8877_6655_4433_2211n), 0x1122n);
  assert.equal(endian("le", 32, 0x8877_6655_4433_2211n), 0x4433_2211n);
  assert.equal(endian("swap", 64, 0x8877_6655_4433_2211n), 0x1122_3344_5566_7788n);
});

test("jumps compare unsigned, signed and on the low 32 bits", () => {
  assert.ok(jumpTaken("gt", 64, MASK64, 1n));
  assert.ok(!jumpTaken("sgt", 64, MASK64, 1n));
  assert.ok(jumpTaken("eq", 32, 0x1_0000_0005n, 5n));
  assert.ok(jumpTaken("slt", 32, 0xffff_ffffn, 0n));
  assert.ok(jumpTaken("set", 64, 6n, 2n));
  assert.ok(jumpTaken("eq", 64, 0xffff_ffff_8000_0000n, immValue(0x8000_0000 | 0)));
});

test("atomic results wrap at the access size", () => {
  assert.equal(atomicResult("add", 4, 0xffff_ffffn, 1n), 0n);
  assert.equal(atomicResult("xor", 8, 0xf0n, 0xffn), 0x0fn);
  assert.equal(atomicResult("xchg", 4, 1n, 0x1_0000_0002n), 2n);
});
