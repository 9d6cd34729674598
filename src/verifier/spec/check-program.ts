// Explores one program under the functional model and turns its exits into
// the obligations of its specification; then proves them with one solver and
// checks every counterexample against the path it breaks (term evaluator).
import { buildCfg, linkProgram } from "../cfg/index.js";
import type { ObjectSpec } from "../object/index.js";
import { prove, type Solver } from "../smt/index.js";
import {
  evalBool,
  explore,
  objectContext,
  type Assignment,
  type ExitRecord,
  type Obligation,
} from "../vc/index.js";
import { functionalObligations } from "./obligations.js";
import type { FunctionalSpec } from "./spec.js";

export interface FunctionalProblem {
  readonly program: string;
  readonly functional: readonly Obligation[];
  /** the safety obligations of the same exploration (functional model) */
  readonly safety: readonly Obligation[];
  /** every way out of the program, with its path, r0 and trace (equivalence.ts) */
  readonly exits: readonly ExitRecord[];
  readonly paths: number;
  readonly truncated: boolean;
}

export function functionalProblem(
  obj: ObjectSpec,
  spec: FunctionalSpec,
  ctxSize: number,
  maxPaths = 4096,
): FunctionalProblem {
  const prog = obj.programs.find((p) => p.name === spec.program);
  if (!prog) throw new Error(`spec: ${obj.fileName} has no program ${spec.program}`);
  const linked = linkProgram(obj, prog);
  // Merging would mix the outputs of paths; the functional model keeps them apart.
  const context = objectContext(obj, prog, linked, {
    ctxSize,
    functional: true,
    merge: false,
    maxPaths,
  });
  const ex = explore(buildCfg(linked.insns), context);
  return {
    program: spec.program,
    functional: functionalObligations(spec, ex.exits),
    safety: ex.obligations,
    exits: ex.exits,
    paths: ex.paths,
    truncated: ex.truncated,
  };
}

export type ClauseResult =
  | { readonly id: string; readonly outcome: "proved" }
  | {
      readonly id: string;
      readonly outcome: "refuted";
      readonly model: Assignment;
      /** the model satisfies a path to this exit and falsifies the clause there */
      readonly confirmed: boolean;
    }
  | { readonly id: string; readonly outcome: "unknown"; readonly reason: string };

/** Whether the model drives some path to the exit while falsifying the clause. */
export function confirms(ob: Obligation, model: Assignment): boolean {
  return ob.cases.some((c) => {
    try {
      return evalBool(c.path, model) && !evalBool(c.safe, model);
    } catch {
      return false;
    }
  });
}

export async function proveClauses(
  solver: Solver,
  obligations: readonly Obligation[],
  timeoutMs: number,
): Promise<ClauseResult[]> {
  const out: ClauseResult[] = [];
  for (const ob of obligations) {
    const v = await prove(solver, ob, timeoutMs);
    if (v.kind === "proved") out.push({ id: ob.id, outcome: "proved" });
    else if (v.kind === "refuted")
      out.push({ id: ob.id, outcome: "refuted", model: v.model, confirmed: confirms(ob, v.model) });
    else out.push({ id: ob.id, outcome: "unknown", reason: v.reason });
  }
  return out;
}
