// Discharges an obligation: its negation is checked for satisfiability.
// unsat means no input violates it (proved); sat yields a counterexample
// assignment of the inputs (refuted); anything else is unknown, never a
// guess.
import { not, type Obligation } from "../vc/index.js";
import { observables, toAssignment } from "./model.js";
import type { Solver, Verdict } from "./solver.js";

export async function prove(solver: Solver, ob: Obligation, timeoutMs = 10_000): Promise<Verdict> {
  const negated = not(ob.condition);
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
