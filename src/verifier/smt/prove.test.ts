// Known-unsafe programs are refuted, and the counterexample, replayed in the
// concrete interpreter, shows the failure happening; their fixed versions are
// proved by both z3 and cvc5.
import { test } from "node:test";
import assert from "node:assert/strict";
import { addRegion } from "../semantics/memory.js";
import { createMachine, run } from "../semantics/run.js";
import { step } from "../semantics/step.js";
import { signed } from "../semantics/alu.js";
import { ctxBytes, modelValue, program, proveAll, slots, type Result } from "./test-programs.js";
import type { Assignment } from "../vc/index.js";

const failing = (results: readonly Result[]) =>
  results.filter((r) => r.z3.kind !== "proved").map((r) => r.obligation.id);

async function refutedModel(results: readonly Result[], id: string): Promise<Assignment> {
  const r = results.find((x) => x.obligation.id === id);
  assert.ok(r, `no obligation ${id}: ${results.map((x) => x.obligation.id).join()}`);
  assert.equal(r.cvc5.kind, "refuted", `cvc5 on ${id}`);
  assert.equal(r.z3.kind, "refuted", `z3 on ${id}`);
  return r.z3.kind === "refuted" ? r.z3.model : { values: new Map(), arrays: new Map() };
}

async function assertProved(source: string, over = {}) {
  const { exploration } = program(source, over);
  const results = await proveAll(exploration.obligations);
  assert.ok(results.length > 0, "the program has obligations");
  for (const r of results) {
    assert.equal(r.z3.kind, "proved", `z3 ${r.obligation.id}: ${JSON.stringify(r.z3)}`);
    assert.equal(r.cvc5.kind, "proved", `cvc5 ${r.obligation.id}: ${JSON.stringify(r.cvc5)}`);
  }
}

const stackWrite = (mask: string) => `
  ldxw %r2, [%r1+0]
  and %r2, ${mask}
  mov %r3, %r10
  sub %r3, %r2
  stb [%r3-1], 7
  mov %r0, 0
  exit`;

test("a stack write below r10-512 is refuted; replay faults at that store", async () => {
  const { exploration } = program(stackWrite("0x3ff"), { ctxSize: 4 });
  const results = await proveAll(exploration.obligations);
  assert.deepEqual(failing(results), ["stack-bounds@4"]);
  const model = await refutedModel(results, "stack-bounds@4");
  const r = run(program(stackWrite("0x3ff"), { ctxSize: 4 }).insns, { input: ctxBytes(model, 4) });
  assert.equal(r.kind === "fault" && `${r.code}@${r.pc}`, "memory@4");
  await assertProved(stackWrite("0x1ff"), { ctxSize: 4 });
});

const lookup = (checked: boolean) => `
  stdw [%r10-8], 0
  lddw %r1, 0
  mov %r2, %r10
  add %r2, -8
  call 1
  ${checked ? "jeq %r0, 0, out" : ""}
  ldxw %r3, [%r0+0]
out:
  mov %r0, 0
  exit`;

test("a map value used without a NULL check is refuted; replay dereferences NULL", async () => {
  const { insns, exploration } = program(lookup(false));
  const results = await proveAll(exploration.obligations);
  assert.deepEqual(failing(results), ["null-check@6"]);
  const model = await refutedModel(results, "null-check@6");
  const isNull = modelValue(model, "null:counts@5");
  assert.equal(isNull, true);
  let value = 0n;
  const setup = (m: Parameters<typeof addRegion>[0]) => {
    value = addRegion(m, {
      name: "counts value",
      kind: "map-value",
      bytes: new Uint8Array(4),
    }).base;
  };
  const helpers = new Map([[1, () => ({ kind: "return" as const, value: isNull ? 0n : value })]]);
  const r = run(insns, { helpers, setup, resolveLddw: () => 0x1000n });
  assert.equal(r.kind === "fault" && `${r.code}@${r.pc}`, "memory@6");
  await assertProved(lookup(true));
});

const lsm = (value: number) => `
  ldxdw %r2, [%r1+0]
  mov %r0, 0
  jgt %r2, 10, +1
  mov %r0, ${value}
  exit`;

test("an LSM program that may return 1 is refuted; replay returns 1", async () => {
  const over = { kind: "lsm" as const, ctxSize: 8 };
  const { insns, exploration } = program(lsm(1), over);
  const results = await proveAll(exploration.obligations);
  assert.deepEqual(failing(results), ["return-range@4"]);
  const model = await refutedModel(results, "return-range@4");
  const r = run(insns, { input: ctxBytes(model, 8) });
  assert.equal(r.kind, "exit");
  const ret = r.kind === "exit" ? signed(r.r0, 32) : 0n;
  assert.ok(ret > 0n || ret < -4095n, `replayed return value ${ret} is outside [-4095, 0]`);
  await assertProved(lsm(-1), over);
  await assertProved(lsm(-4095), over);
});

const division = (guarded: boolean) => `
  ldxw %r2, [%r1+0]
  mov %r0, 100
  ${guarded ? "jeq %r2, 0, +1" : ""}
  div %r0, %r2
  exit`;

test("division by a possibly-zero register is flagged; replay reaches it with a zero divisor", async () => {
  const { insns, exploration } = program(division(false), { ctxSize: 4 });
  const results = await proveAll(exploration.obligations);
  assert.deepEqual(failing(results), ["div-by-zero@2"]);
  const model = await refutedModel(results, "div-by-zero@2");
  const m = createMachine(insns, { input: ctxBytes(model, 4) });
  while (m.pc !== slots(insns, "alu")[0]) assert.equal(step(m), undefined);
  assert.equal(m.regs[2], 0n, "the divisor is zero when the division runs");
  await assertProved(division(true), { ctxSize: 4 });
});

test("unwritten registers and stack bytes, and unbounded loops, are refuted", async () => {
  const ids = async (source: string, over = {}) =>
    failing(await proveAll(program(source, over).exploration.obligations));
  assert.deepEqual(await ids("mov %r0, %r3\nexit"), ["uninit-reg@0"]);
  assert.deepEqual(await ids("ldxdw %r0, [%r10-8]\nexit"), ["stack-init@0"]);
  assert.deepEqual(await ids("stw [%r10-8], 1\nldxdw %r0, [%r10-8]\nexit"), ["stack-init@1"]);
  assert.deepEqual(await ids("ldxb %r0, [%r1+4]\nexit", { ctxSize: 4 }), ["ctx-bounds@0"]);
  const loop = "ldxw %r2, [%r1+0]\nmov %r0, 0\nl:\nadd %r0, 1\njlt %r0, %r2, l\nexit";
  assert.deepEqual(await ids(loop, { ctxSize: 4, unroll: 3 }), ["loop-bound@2"]);
});

test("a loop with a constant bound is unrolled and proved", async () => {
  await assertProved(
    "mov %r0, 0\nmov %r2, 0\nl:\nstb [%r10-1], 1\nadd %r2, 1\njlt %r2, 10, l\nldxb %r0, [%r10-1]\nexit",
    { unroll: 10 },
  );
});

// A pointer spilled to fp-8, then a byte stored at fp-64 + (ctx & mask): the
// spill survives the store when the mask keeps it below fp-8.
const spillAcrossVariableStore = (mask: string) => `
  mov %r6, %r10
  add %r6, -64
  stxdw [%r10-8], %r6
  ldxw %r2, [%r1+0]
  and %r2, ${mask}
  mov %r3, %r10
  add %r3, -64
  add %r3, %r2
  stb [%r3+0], 7
  ldxdw %r4, [%r10-8]
  stb [%r4+0], 1
  mov %r0, 0
  exit`;

test("a spilled pointer survives a store at a variable offset that cannot reach it", async () => {
  await assertProved(spillAcrossVariableStore("0x1f"), { ctxSize: 4 });
  const { exploration } = program(spillAcrossVariableStore("0x3f"), { ctxSize: 4 });
  const results = await proveAll(exploration.obligations);
  assert.deepEqual(failing(results), ["bad-pointer@9"]);
  await refutedModel(results, "bad-pointer@9");
});

// A lookup result copied to r6 and tested through r0: the 64-bit test settles
// both copies, so no NULL obligation is left. A 32-bit test settles nothing
// structurally (the kernel does not refine on it either): the obligation
// stays, and the solver proves it, as nonzero low bits do mean non-NULL.
const testedCopy = (jump: string) => `
  stdw [%r10-8], 0
  lddw %r1, 0
  mov %r2, %r10
  add %r2, -8
  call 1
  mov %r6, %r0
  ${jump} %r0, 0, out
  ldxw %r3, [%r6+0]
out:
  mov %r0, 0
  exit`;

test("a 64-bit NULL test settles every copy of the pointer; a 32-bit one does not", async () => {
  const settled = program(testedCopy("jeq"));
  assert.ok(!settled.exploration.obligations.some((o) => o.kind === "null-check"));
  await assertProved(testedCopy("jeq"));
  const narrow = program(testedCopy("jeq32")).exploration.obligations;
  assert.ok(narrow.some((o) => o.id === "null-check@8"));
  await assertProved(testedCopy("jeq32"));
});

const loopIndexStore = (mask: string) => `
  ldxw %r1, [%r1+0]
  and %r1, ${mask}
  stdw [%r10-8], 0
  stdw [%r10-16], 0
  lddw %r2, func mark
  mov %r3, %r10
  add %r3, -16
  mov %r4, 0
  call 181
  mov %r0, 0
  exit
mark:
  add %r2, %r1
  stb [%r2+0], 1
  mov %r0, 0
  exit`;

test("a bpf_loop callback's store at its index is refuted; replay runs the loop to the faulting run", async () => {
  const over = { ctxSize: 4, lddw: () => undefined };
  const { insns, exploration } = program(loopIndexStore("31"), over);
  const results = await proveAll(exploration.obligations);
  assert.deepEqual(failing(results), ["stack-bounds@13"]);
  const model = await refutedModel(results, "stack-bounds@13");
  const r = run(insns, { input: ctxBytes(model, 4) });
  assert.equal(r.kind === "fault" && `${r.code}@${r.pc}`, "memory@13");
  await assertProved(loopIndexStore("15"), over);
});

// The kernel refuses these at load (docs/verifier.md, the differential), so
// they are violations on every path that reaches them, found by no search.
const ids = async (source: string, over = {}) =>
  failing(await proveAll(program(source, over).exploration.obligations));

test("a shift by an immediate outside [0, width) is refuted; a shift by a register is not", async () => {
  const shift = (insn: string) => `mov %r0, 1\n${insn}\nstxdw [%r10-8], %r0\nexit`;
  assert.deepEqual(await ids(shift("lsh %r0, 64")), ["shift-range@1"]);
  assert.deepEqual(await ids(shift("rsh32 %r0, 32")), ["shift-range@1"]);
  assert.deepEqual(await ids(shift("arsh %r0, -1")), ["shift-range@1"]);
  await refutedModel(
    await proveAll(program(shift("lsh %r0, 4096")).exploration.obligations),
    "shift-range@1",
  );
  await assertProved(shift("lsh %r0, 63"));
  await assertProved(shift("rsh32 %r0, 31"));
  // The kernel loads a shift by a register whatever it holds, even a known 64.
  await assertProved(`mov %r2, 64\n${shift("lsh %r0, %r2")}`);
  await assertProved(`ldxw %r2, [%r1+0]\n${shift("lsh %r0, %r2")}`, { ctxSize: 4 });
});

test("pointer arithmetic other than add and sub is refuted; add, sub and pointer - pointer are not", async () => {
  const onStack = (insns: string) => `mov %r2, %r10\n${insns}\nmov %r0, 0\nexit`;
  assert.deepEqual(await ids(onStack("rsh %r2, 3")), ["pointer-arith@1"]);
  assert.deepEqual(await ids(onStack("and %r2, -8")), ["pointer-arith@1"]);
  assert.deepEqual(await ids(onStack("mul %r2, %r2")), ["pointer-arith@1"]);
  assert.deepEqual(await ids(onStack("add32 %r2, -8")), ["pointer-arith@1"]);
  assert.deepEqual(await ids(onStack("add %r2, %r10")), ["pointer-arith@1"]);
  assert.deepEqual(await ids(onStack("mov %r3, 3\nlsh %r3, %r2")), ["pointer-arith@2"]);
  await refutedModel(
    await proveAll(program(onStack("rsh %r2, 3")).exploration.obligations),
    "pointer-arith@1",
  );
  await assertProved(onStack("add %r2, -8\nstdw [%r2+0], 0\nmov %r3, %r10\nsub %r3, %r2"));
  await assertProved(onStack("mov %r3, -8\nadd %r3, %r2\nstdw [%r3+0], 0"));
});
