// The two mutants every deciding hook must not survive, judged on the clause
// each breaks: the errno changed (verdict-is-0-or-eperm) and the ring-buffer
// submit removed (event-iff-reported). An errno mutant at another use of −1
// (the candidate callback's "past the last identity") keeps its clause
// proved; anything else is neither killed nor proved and counts as such.
import type { ObjectSpec } from "../object/index.js";
import type { Solver } from "../smt/index.js";
import { functionalProblem, proveClauses } from "./check-program.js";
import { specMutants } from "./mutants.js";
import type { FunctionalSpec } from "./spec.js";

export interface DecisionMutantVerdict {
  readonly mutant: string;
  readonly kind: "errno" | "no-submit";
  readonly clause: string;
  /** killed: refuted with a confirmed counterexample */
  readonly verdict: "killed" | "proved" | "refuted, not confirmed" | "unknown" | "no clause";
}

export async function judgeDecisionMutants(
  solver: Solver,
  obj: ObjectSpec,
  spec: FunctionalSpec,
  ctxSize: number,
  timeoutMs: number,
): Promise<DecisionMutantVerdict[]> {
  const out: DecisionMutantVerdict[] = [];
  for (const mutant of specMutants(obj, spec.program)) {
    if (mutant.kind !== "errno" && mutant.kind !== "no-submit") continue;
    const clause = mutant.kind === "errno" ? "verdict-is-0-or-eperm" : "event-iff-reported";
    const q = functionalProblem(mutant.obj, spec, ctxSize);
    const ob = q.functional.find((o) => o.id.startsWith(`functional:${clause}@`));
    const base = { mutant: mutant.name, kind: mutant.kind, clause };
    if (!ob) {
      out.push({ ...base, verdict: "no clause" });
      continue;
    }
    const [r] = await proveClauses(solver, [ob], timeoutMs, spec.witnesses);
    const verdict =
      r?.outcome === "refuted"
        ? r.confirmed
          ? "killed"
          : "refuted, not confirmed"
        : r?.outcome === "proved"
          ? "proved"
          : "unknown";
    out.push({ ...base, verdict });
  }
  return out;
}
