// Shared by the smt tests only: runs the pipeline (asm -> CFG -> symbolic
// execution -> obligations -> both solvers) on small programs, and replays a
// counterexample in the concrete interpreter.
import { buildCfg } from "../cfg/index.js";
import { asm } from "../cfg/test-support.js";
import type { PlacedInsn } from "../isa/index.js";
import {
  defaultContext,
  explore,
  type Assignment,
  type LddwBinding,
  type Obligation,
  type ProgramContext,
} from "../vc/index.js";
import { CVC5, processSolver, Z3 } from "./process-solver.js";
import { prove } from "./prove.js";
import type { Verdict } from "./solver.js";

export const z3 = processSolver(Z3);
export const cvc5 = processSolver(CVC5);

export const TEST_MAP: LddwBinding = {
  kind: "map",
  map: { name: "counts", kind: "hash", keySize: 8, valueSize: 4 },
};

/** Assembles a program; each `lddw %rN, 0` becomes a load of TEST_MAP (the assembler has no map syntax). */
export function program(source: string, over: Partial<ProgramContext> = {}) {
  const insns = asm(source);
  const mapSlots = new Set(insns.filter((p) => p.insn.kind === "lddw").map((p) => p.pc));
  const context = defaultContext({
    lddw: (pc) => (mapSlots.has(pc) ? TEST_MAP : undefined),
    ...over,
  });
  const cfg = buildCfg(insns);
  if (cfg.issues.length > 0) throw new Error(`test: ${cfg.issues[0]?.message}`);
  return { insns, exploration: explore(cfg, context) };
}

export interface Result {
  readonly obligation: Obligation;
  readonly z3: Verdict;
  readonly cvc5: Verdict;
}

export async function proveAll(
  obligations: readonly Obligation[],
  solvers = [z3, cvc5],
): Promise<Result[]> {
  return Promise.all(
    obligations.map(async (obligation) => {
      const [a, b] = await Promise.all(solvers.map((s) => prove(s, obligation)));
      const none: Verdict = { kind: "unknown", reason: "not run" };
      return { obligation, z3: a ?? none, cvc5: b ?? none };
    }),
  );
}

/** The context bytes a model assigns (the `ctx` array), for the interpreter's input. */
export function ctxBytes(model: Assignment, size: number): Uint8Array {
  const cells = model.arrays.get("ctx")?.entries ?? new Map<bigint, bigint>();
  return Uint8Array.from({ length: size }, (_, i) => Number(cells.get(BigInt(i)) ?? 0n));
}

/** The value of the model variable whose name starts with `prefix`. */
export function modelValue(model: Assignment, prefix: string): bigint | boolean | undefined {
  for (const [name, v] of model.values) if (name.startsWith(prefix)) return v;
  return undefined;
}

export const slots = (insns: readonly PlacedInsn[], kind: string): number[] =>
  insns.filter((p) => p.insn.kind === kind).map((p) => p.pc);
