// The solver interface every backend implements: satisfiability of a set of
// assertions, with the values of chosen terms when satisfiable. Backends see
// only terms, so the z3/cvc5 processes and a future embedded z3 (the
// z3-solver npm package, translating terms through its API) are
// interchangeable behind it.
import type { Assignment, Term } from "../vc/index.js";

export interface Query {
  readonly assertions: readonly Term[];
  /** terms whose values a model must report (inputs, array cells read, applications) */
  readonly observe: readonly Term[];
}

export type SatResult =
  | { readonly kind: "unsat" }
  | { readonly kind: "sat"; readonly values: readonly (bigint | boolean)[] }
  | { readonly kind: "unknown"; readonly reason: string };

export interface Solver {
  readonly name: string;
  check(query: Query, timeoutMs: number): Promise<SatResult>;
}

/** A solver that takes a whole SMT-LIB script and answers its raw output (check-sat, get-value). */
export interface ScriptSolver {
  readonly name: string;
  run(script: string, timeoutMs: number): Promise<string>;
}

export type Verdict =
  | { readonly kind: "proved" }
  | { readonly kind: "refuted"; readonly model: Assignment }
  | { readonly kind: "unknown"; readonly reason: string };
