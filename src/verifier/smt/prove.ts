// Discharges an obligation: its negation is checked for satisfiability.
// unsat means no input violates it (proved); sat yields a counterexample
// assignment of the inputs (refuted); anything else is unknown, never a
// guess. The sliced condition (each path cut to what its check depends on,
// vc/slice.ts) is tried first: it is smaller, and its proof is a proof of
// the whole; anything else it answers is settled on the whole condition.
import { and, not, slicedImplication, type Obligation, type Term } from "../vc/index.js";
import { observables, toAssignment } from "./model.js";
import type { Solver, Verdict } from "./solver.js";

export async function prove(solver: Solver, ob: Obligation, timeoutMs = 10_000): Promise<Verdict> {
  const sliced = and(...ob.cases.map((c) => slicedImplication(c.path, c.safe)));
  if (sliced !== ob.condition && ob.cases.length > 0) {
    const r = await solver.check({ assertions: [not(sliced)], observe: [] }, timeoutMs);
    if (r.kind === "unsat") return { kind: "proved" };
  }
  return proveWhole(solver, ob.condition, timeoutMs);
}

async function proveWhole(solver: Solver, condition: Term, timeoutMs: number): Promise<Verdict> {
  const negated = not(condition);
  const observe = observables([negated]);
  const r = await solver.check({ assertions: [negated], observe }, timeoutMs);
  switch (r.kind) {
    case "unsat":
      return { kind: "proved" };
    case "sat":
      return { kind: "refuted", model: toAssignment(observe, r.values) };
    case "unknown":
      return { kind: "unknown", reason: `${solver.name}: ${r.reason}` };
    default:
      return r satisfies never;
  }
}
