// The printer and both solver drivers against the term evaluator: for random
// straight-line ALU programs, z3 must agree that the symbolic r0 equals the
// interpreter's r0 on the same concrete inputs (checked as the validity of
// "inputs => r0 = expected"), and the evaluator must agree with z3's model.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Insn, PlacedInsn } from "../isa/index.js";
import { createMachine } from "../semantics/run.js";
import { step } from "../semantics/step.js";
import { and, bv, bvVar, eq, evalBv, not, scalarInsnTerm, type Term } from "../vc/index.js";
import { randomProgram, randomRegs, rng } from "../vc/random-programs.js";
import { observables, toAssignment } from "./model.js";
import { parseAnswer } from "./process-solver.js";
import { cvc5, z3 } from "./test-programs.js";

function interpret(insns: readonly Insn[], regs: readonly bigint[]): bigint {
  const placed: PlacedInsn[] = [...insns, { kind: "exit" } as const].map((insn, pc) => ({
    pc,
    insn,
  }));
  const m = createMachine(placed);
  regs.forEach((v, r) => (m.regs[r] = v));
  while (step(m) === undefined);
  return m.regs[0] ?? 0n;
}

function symbolicR0(insns: readonly Insn[]): Term {
  const regs = Array.from({ length: 10 }, (_, r) => bvVar(`r${r}`, 64));
  for (const insn of insns)
    if (
      insn.kind === "alu" ||
      insn.kind === "mov" ||
      insn.kind === "movsx" ||
      insn.kind === "neg" ||
      insn.kind === "endian"
    )
      regs[insn.dst] = scalarInsnTerm(insn, (r) => regs[r] as Term);
  return regs[0] as Term;
}

test("z3 agrees with the interpreter on r0 of 40 random programs", async () => {
  const next = rng(0xc0ffee);
  const cases = Array.from({ length: 40 }, (_, i) => {
    const insns = randomProgram(next, 3 + (i % 6));
    const regs = randomRegs(next);
    return { insns, regs, expected: interpret(insns, regs) };
  });
  const verdicts = await Promise.all(
    cases.map(async ({ insns, regs, expected }) => {
      const inputs = regs.map((v, r) => eq(bvVar(`r${r}`, 64), bv(v, 64)));
      const r0 = symbolicR0(insns);
      // Satisfiable exactly when r0 can differ from the interpreter's value on these inputs.
      const differs = and(...inputs, not(eq(r0, bv(expected, 64))));
      return (await z3.check({ assertions: [differs], observe: [] }, 20_000)).kind;
    }),
  );
  assert.deepEqual(
    verdicts,
    cases.map(() => "unsat"),
  );
});

test("models from z3 and cvc5 satisfy the formula under the evaluator", async () => {
  const next = rng(7);
  for (let i = 0; i < 10; i++) {
    const r0 = symbolicR0(randomProgram(next, 4));
    const target = bv(BigInt(i * 977), 64);
    const goal = eq(r0, target);
    const observe = observables([goal]);
    for (const solver of [z3, cvc5]) {
      const r = await solver.check({ assertions: [goal], observe }, 20_000);
      if (r.kind !== "sat") {
        assert.notEqual(r.kind, "unknown", `${solver.name}: ${JSON.stringify(r)}`);
        continue;
      }
      assert.equal(
        evalBv(r0, toAssignment(observe, r.values)),
        evalBv(target, toAssignment([], [])),
        `${solver.name} model ${i}`,
      );
    }
  }
});

test("solver answers: unsat, sat with values in every literal form, errors are unknown", () => {
  const out = (stdout: string) => ({ stdout, stderr: "", failure: undefined });
  assert.deepEqual(parseAnswer(out('unsat\n(error "no model")'), 2), { kind: "unsat" });
  assert.deepEqual(parseAnswer(out("sat\n((|a| #x0f) (b #b101) (c (_ bv9 8)) (d true))"), 4), {
    kind: "sat",
    values: [15n, 5n, 9n, true],
  });
  assert.equal(parseAnswer(out("unknown"), 0).kind, "unknown");
  assert.equal(parseAnswer(out('(error "line 1: bad")'), 0).kind, "unknown");
  assert.equal(
    parseAnswer({ stdout: "", stderr: "", failure: "z3: killed by SIGKILL (timeout)" }, 0).kind,
    "unknown",
  );
});
