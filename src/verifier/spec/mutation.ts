// The verdict on one bytecode mutant of a specified program. A mutant is
// killed when some obligation of its exploration is refuted with a model the
// term evaluator confirms on a path: a functional clause first, then a safety
// obligation (a mutant that dereferences NULL is rejected all the same). A
// mutant that nothing refutes is excluded as equivalent only when the solver
// proves its outcome equal to the original's for every input
// (equivalence.ts); otherwise it survived, and the test that ran it fails.
import { prove, type Solver } from "../smt/index.js";
import { LINT_KINDS, type Obligation } from "../vc/index.js";
import { functionalProblem, type FunctionalProblem } from "./check-program.js";
import { confirms } from "./confirm.js";
import { runsEachSlotOnce } from "./canonical-inputs.js";
import { provedEquivalent } from "./equivalence.js";
import type { SpecMutant } from "./mutants.js";
import type { FunctionalSpec } from "./spec.js";
import { refuteUnder, type WitnessMaps } from "./witness-maps.js";

export type MutantVerdict =
  | {
      readonly kind: "killed";
      /** the refuted obligation: functional:<clause>@<slot>, or a safety kind@<slot> */
      readonly by: string;
      readonly route: "functional" | "safety";
    }
  | { readonly kind: "equivalent"; readonly pairs: number }
  | { readonly kind: "survived"; readonly reason: string };

export interface Original {
  readonly problem: FunctionalProblem;
  readonly eachSlotOnce: boolean;
}

export interface JudgeOptions {
  readonly solver: Solver;
  readonly ctxSize: number;
  readonly timeoutMs: number;
}

/** The first obligation refuted with a confirmed model; the ones left open otherwise. */
async function firstKill(
  obligations: readonly Obligation[],
  o: JudgeOptions,
  witnesses: readonly WitnessMaps[] = [],
): Promise<{ kill: Obligation } | { open: string[] }> {
  const open: string[] = [];
  for (const ob of obligations) {
    if (await refuteUnder(o.solver, ob, witnesses, o.timeoutMs)) return { kill: ob };
    const v = await prove(o.solver, ob, o.timeoutMs);
    if (v.kind === "refuted" && confirms(ob, v.model)) return { kill: ob };
    if (v.kind === "refuted") open.push(`${ob.id}: refuted, model not confirmed`);
    if (v.kind === "unknown") open.push(`${ob.id}: ${v.reason}`);
  }
  return { open };
}

export async function judgeMutant(
  original: Original,
  mutant: SpecMutant,
  spec: FunctionalSpec,
  o: JudgeOptions,
): Promise<MutantVerdict> {
  const p = functionalProblem(mutant.obj, spec, o.ctxSize);
  const safety = p.safety.filter((ob) => !LINT_KINDS.has(ob.kind));
  const functional = await firstKill(p.functional, o, spec.witnesses);
  if ("kill" in functional) return { kind: "killed", by: functional.kill.id, route: "functional" };
  const safe = await firstKill(safety, o);
  if ("kill" in safe) return { kind: "killed", by: safe.kill.id, route: "safety" };
  const open = [...functional.open, ...safe.open];
  if (open.length > 0) return { kind: "survived", reason: `not refuted, not proved: ${open[0]}` };
  if (p.truncated || original.problem.truncated)
    return { kind: "survived", reason: "exploration truncated: equivalence not checked" };
  if (!original.eachSlotOnce || !runsEachSlotOnce(mutant.obj, mutant.program))
    return { kind: "survived", reason: "a slot may run twice on a path: equivalence not checked" };
  const e = await provedEquivalent(o.solver, original.problem.exits, p.exits, o.timeoutMs);
  switch (e.kind) {
    case "equivalent":
      return { kind: "equivalent", pairs: e.pairs };
    case "different":
      return {
        kind: "survived",
        reason: `differs from the original (${e.witness ?? "model not confirmed"}) yet no obligation refutes it`,
      };
    case "unknown":
      return { kind: "survived", reason: `equivalence unknown: ${e.reason}` };
    default:
      return e satisfies never;
  }
}
