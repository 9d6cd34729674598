// Discharges an obligation: its negation is checked for satisfiability.
// unsat means no input violates it (proved); sat yields a counterexample
// assignment of the inputs (refuted); anything else is unknown, never a
// guess. Smaller forms that imply the obligation are tried first, so that a
// proof of one is a proof of it: the abstracted one (memory reads and merge
// choices as variables, vc/abstract.ts; first with the check's stronger goal
// if it has one), with a fifth of the time each, then the sliced one (each
// path cut to what its check depends on, vc/slice.ts). Before them all, an
// obligation that names opaque subterms is tried generalized over them
// (vc/generalize.ts). Anything else they answer is settled on the whole
// condition.
import {
  abstractedImplication,
  and,
  provingCondition,
  not,
  slicedImplication,
  type Obligation,
  type ObligationCase,
  type Term,
} from "../vc/index.js";
import { observables, toAssignment } from "./model.js";
import type { Solver, Verdict } from "./solver.js";

/** A proof attempt on an abstracted form gets this share of the time limit. */
const ABSTRACT_SHARE = 5;

export async function prove(solver: Solver, ob: Obligation, timeoutMs = 10_000): Promise<Verdict> {
  for (const attempt of strongerForms(ob, timeoutMs)) {
    const form = attempt.form();
    if (form === ob.condition) continue;
    const r = await solver.check({ assertions: [not(form)], observe: [] }, attempt.timeoutMs);
    if (r.kind === "unsat") return { kind: "proved" };
  }
  return proveWhole(solver, ob.condition, timeoutMs);
}

/** Forms that imply the obligation, cheapest first; only a proof of one counts. */
function* strongerForms(
  ob: Obligation,
  timeoutMs: number,
): Generator<{ form: () => Term; timeoutMs: number }> {
  if (ob.cases.length === 0) return;
  const quick = Math.ceil(timeoutMs / ABSTRACT_SHARE);
  const each = (f: (c: ObligationCase) => Term) => () => and(...ob.cases.map(f));
  // A spec's generalization is made for the obligation: it is tried first, with all the time.
  if (ob.opaque !== undefined) yield { form: () => provingCondition(ob), timeoutMs };
  if (ob.cases.some((c) => c.strong !== undefined))
    yield {
      form: each((c) => abstractedImplication(c.path, c.strong ?? c.safe)),
      timeoutMs: quick,
    };
  yield { form: each((c) => abstractedImplication(c.path, c.safe)), timeoutMs: quick };
  yield { form: each((c) => slicedImplication(c.path, c.safe)), timeoutMs };
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
