// Differential test of the VC rules against the concrete interpreter: random
// straight-line programs over every ALU operator, both widths, movsx, neg and
// byte swaps. The interpreter (which passes bpf_conformance) runs them on
// random inputs; the same program is executed symbolically from variable
// inputs, and each resulting register term is evaluated on those inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AluOp, Insn, PlacedInsn, Reg, Width } from "../isa/index.js";
import { ALU_OPS } from "../isa/index.js";
import { createMachine } from "../semantics/run.js";
import { step } from "../semantics/step.js";
import { scalarInsnTerm } from "./alu-terms.js";
import { evalBv, type Assignment } from "./eval.js";
import { bvVar } from "./term-store.js";
import type { Term } from "./term.js";
import { randomProgram, randomRegs, rng } from "./random-programs.js";

function concrete(insns: readonly Insn[], regs: readonly bigint[]): bigint[] {
  const placed: PlacedInsn[] = [...insns, { kind: "exit" } as const].map((insn, pc) => ({
    pc,
    insn,
  }));
  const m = createMachine(placed);
  regs.forEach((v, r) => (m.regs[r] = v));
  for (;;) {
    const result = step(m);
    if (result?.kind === "exit") return m.regs.slice(0, 10);
    if (result !== undefined) throw new Error(`test: ${result.kind}`);
  }
}

function symbolic(insns: readonly Insn[]): Term[] {
  const regs = Array.from({ length: 10 }, (_, r) => bvVar(`r${r}`, 64));
  for (const insn of insns) {
    if (
      insn.kind !== "alu" &&
      insn.kind !== "mov" &&
      insn.kind !== "movsx" &&
      insn.kind !== "neg" &&
      insn.kind !== "endian"
    )
      throw new Error("test: not a register instruction");
    regs[insn.dst] = scalarInsnTerm(insn, (r: Reg) => regs[r] as Term);
  }
  return regs;
}

const inputs = (regs: readonly bigint[]): Assignment => ({
  values: new Map(regs.map((v, r) => [`r${r}`, v])),
  arrays: new Map(),
});

test("symbolic registers equal the interpreter's on 5000 random programs", () => {
  const next = rng(0x5eed);
  let compared = 0;
  for (let i = 0; i < 5000; i++) {
    const program = randomProgram(next, 1 + (i % 12));
    const regs = randomRegs(next);
    const expected = concrete(program, regs);
    const terms = symbolic(program);
    const env = inputs(regs);
    terms.forEach((t, r) => {
      assert.equal(evalBv(t, env), expected[r], `program ${i} r${r}: ${JSON.stringify(program)}`);
      compared++;
    });
  }
  assert.equal(compared, 50000);
});

test("every operator at both widths with edge-case operands", () => {
  const ops: readonly AluOp[] = ALU_OPS;
  const edges = [
    0n,
    1n,
    2n,
    31n,
    32n,
    63n,
    64n,
    0x7fff_ffffn,
    0x8000_0000n,
    0xffff_ffffn,
    1n << 63n,
    (1n << 64n) - 1n,
    0x1_0000_0000n,
  ];
  for (const op of ops)
    for (const width of [32, 64] as Width[])
      for (const a of edges)
        for (const b of edges) {
          const insn: Insn = { kind: "alu", op, width, dst: 0, src: { kind: "reg", reg: 1 } };
          const [expected] = concrete([insn], [a, b]);
          const [term] = symbolic([insn]);
          assert.equal(evalBv(term as Term, inputs([a, b])), expected, `${op}${width} ${a} ${b}`);
        }
});
