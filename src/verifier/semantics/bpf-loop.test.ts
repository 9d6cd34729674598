import { test } from "node:test";
import assert from "node:assert/strict";
import { assemble } from "../isa/asm.js";
import { decodeProgram, encodeProgram } from "../isa/index.js";
import { run } from "./run.js";

function exec(source: string) {
  const asm = assemble(source);
  assert.ok(asm.ok, JSON.stringify(asm));
  return run(decodeProgram(encodeProgram(asm.insns)).insns, { maxSteps: 10_000 });
}

/** Calls bpf_loop(nr, sum, &acc, flags) and returns (r0 << 32) | acc. */
const loopProgram = (nr: string, flags: number, callback: readonly string[]) =>
  [
    "stdw [%r10-8], 0",
    "mov %r6, 7",
    `mov %r1, ${nr}`,
    "lddw %r2, func cb",
    "mov %r3, %r10",
    "add %r3, -8",
    `mov %r4, ${flags}`,
    "call 181",
    "jne %r6, 7, exit",
    "lsh %r0, 32",
    "ldxdw %r1, [%r10-8]",
    "or %r0, %r1",
    "exit",
    "cb:",
    "mov %r6, 99",
    ...callback,
  ].join("\n");

const SUM_INTO_CTX = ["ldxdw %r3, [%r2]", "add %r3, %r1", "stxdw [%r2], %r3", "mov %r0, 0", "exit"];

const result = (r: ReturnType<typeof exec>) => {
  assert.equal(
    r.kind,
    "exit",
    JSON.stringify(r, (_, v: unknown) => String(v)),
  );
  return r.kind === "exit" ? { count: r.r0 >> 32n, acc: r.r0 & 0xffff_ffffn } : undefined;
};

test("bpf_loop runs the callback with i = 0..nr-1 and the ctx, and returns nr", () => {
  assert.deepEqual(result(exec(loopProgram("5", 0, SUM_INTO_CTX))), { count: 5n, acc: 10n });
});

test("bpf_loop stops after the run that returns 1 and counts it", () => {
  const stopAtThree = ["jeq %r1, 3, stop", ...SUM_INTO_CTX, "stop:", "mov %r0, 1", "exit"];
  assert.deepEqual(result(exec(loopProgram("10", 0, stopAtThree))), { count: 4n, acc: 3n });
});

test("bpf_loop with nr = 0 never calls the callback", () => {
  assert.deepEqual(result(exec(loopProgram("0", 0, SUM_INTO_CTX))), { count: 0n, acc: 0n });
});

test("bpf_loop rejects flags != 0 with -EINVAL and nr > 1 << 23 with -E2BIG", () => {
  const einval = exec(loopProgram("5", 1, SUM_INTO_CTX));
  assert.deepEqual(einval.kind === "exit" && einval.r0, BigInt.asUintN(64, -22n << 32n));
  const e2big = exec(loopProgram("0x800001", 0, SUM_INTO_CTX));
  assert.deepEqual(e2big.kind === "exit" && e2big.r0, BigInt.asUintN(64, -7n << 32n));
});

test("only the low 32 bits of nr count", () => {
  const wide = loopProgram("1", 0, SUM_INTO_CTX).replace("mov %r1, 1", "lddw %r1, 0x100000003");
  assert.deepEqual(result(exec(wide)), { count: 3n, acc: 3n });
});

test("a fault in the callback is reported at the callback's instruction", () => {
  // ctx + 7 + i: the last byte of the caller's slot for i = 0, past its stack for i = 1.
  const oob = [
    "mov %r3, %r2",
    "add %r3, 7",
    "add %r3, %r1",
    "stxb [%r3], %r1",
    "mov %r0, 0",
    "exit",
  ];
  const r = exec(loopProgram("2", 0, oob));
  assert.equal(r.kind === "fault" && `${r.code}@${r.pc}`, "memory@18");
});

test("each callback run gets a fresh stack, and the caller's r6 survives", () => {
  const stackSum = ["ldxdw %r4, [%r10-8]", "stdw [%r10-8], 5", "add %r1, %r4", ...SUM_INTO_CTX];
  assert.deepEqual(result(exec(loopProgram("3", 0, stackSum))), { count: 3n, acc: 3n });
});

test("a callback address that is not a function is a fault at the call", () => {
  const r = exec(loopProgram("1", 0, SUM_INTO_CTX).replace("lddw %r2, func cb", "lddw %r2, 16"));
  assert.equal(r.kind === "fault" && `${r.code}@${r.pc}`, "helper-fault@8");
});
