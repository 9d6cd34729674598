// Explores one program under the functional model and turns its exits into
// the obligations of its specification; then proves them with one solver and
// checks every counterexample against the path it breaks (term evaluator).
import { buildCfg, linkProgram } from "../cfg/index.js";
import type { ObjectSpec } from "../object/index.js";
import { prove, type Solver } from "../smt/index.js";
import {
  defaultContext,
  expandBpfLoops,
  explore,
  objectContext,
  type Assignment,
  type Cut,
  type ExitRecord,
  type LoopSite,
  type Obligation,
} from "../vc/index.js";
import { confirms } from "./confirm.js";
import { functionalObligations } from "./obligations.js";
import { refuteUnder, type WitnessMaps } from "./witness-maps.js";
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
  // Paths are kept apart unless the spec asks for merging; merging joins
  // only paths whose outputs so far are the same events (merge.ts).
  const context = objectContext(obj, prog, linked, {
    ctxSize,
    functional: true,
    merge: spec.explore?.merge ?? false,
    unroll: spec.explore?.unroll ?? defaultContext().unroll,
    maxPaths,
  });
  const expanded = expandBpfLoops(linked.insns);
  const cuts = lemmaCuts(spec, expanded.sites);
  const ex = explore(buildCfg(expanded.insns), { ...context, cuts });
  return {
    program: spec.program,
    functional: [
      ...ex.obligations.filter((o) => o.kind === "functional"),
      ...functionalObligations(spec, ex.exits),
    ],
    safety: ex.obligations.filter((o) => o.kind !== "functional"),
    exits: ex.exits,
    paths: ex.paths,
    truncated: ex.truncated,
  };
}

/** The spec's lemmas as cuts at the slots where their loops end (and at their heads). */
function lemmaCuts(spec: FunctionalSpec, sites: readonly LoopSite[]): Map<number, Cut[]> {
  const cuts = new Map<number, Cut[]>();
  const add = (cut: Cut) => cuts.set(cut.pc, [...(cuts.get(cut.pc) ?? []), cut]);
  for (const lemma of spec.lemmas ?? []) {
    const site = sites[lemma.site];
    if (!site)
      throw new Error(
        `spec ${spec.program}: lemma ${lemma.name} names bpf_loop call ${lemma.site}, the program has ${sites.length}`,
      );
    const size = lemma.field.size;
    if (size !== 1 && size !== 2 && size !== 4 && size !== 8)
      throw new Error(`spec ${spec.program}: lemma ${lemma.name}: a field of ${size} bytes`);
    const at = { reg: site.ctxReg, offset: lemma.field.offset, size } as const;
    if (lemma.before)
      add({
        name: `${lemma.name}-before`,
        pc: site.head,
        ...at,
        value: { reg: site.counterReg, at: lemma.before },
        // With the field pinned, the earlier iterations' paths are not needed
        // either: each step is proved from the invariant alone, and a query
        // stays the same size at iteration 140 as at iteration 1.
        forgetCall: true,
      });
    // The callback writes only through its ctx; with the field pinned, what
    // the loop's paths did is no longer needed.
    add({
      name: lemma.name,
      pc: site.done,
      ...at,
      value: lemma.value,
      forgetCall: true,
      ...(lemma.opaque ? { opaque: lemma.opaque } : {}),
    });
  }
  return cuts;
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

/**
 * Proves each obligation, after a search for a counterexample under the
 * spec's witness maps (witness-maps.ts): there the condition is small, so a
 * wrong clause is refuted in a second where its whole condition would leave
 * the solver without an answer, and a right one costs a small unsat query.
 */
export async function proveClauses(
  solver: Solver,
  obligations: readonly Obligation[],
  timeoutMs: number,
  witnesses: readonly WitnessMaps[] = [],
): Promise<ClauseResult[]> {
  const out: ClauseResult[] = [];
  for (const ob of obligations) {
    const found = await refuteUnder(solver, ob, witnesses, timeoutMs);
    if (found) {
      out.push({ id: ob.id, outcome: "refuted", model: found, confirmed: true });
      continue;
    }
    const v = await prove(solver, ob, timeoutMs);
    if (v.kind === "proved") out.push({ id: ob.id, outcome: "proved" });
    else if (v.kind === "refuted")
      out.push({ id: ob.id, outcome: "refuted", model: v.model, confirmed: confirms(ob, v.model) });
    else out.push({ id: ob.id, outcome: "unknown", reason: v.reason });
  }
  return out;
}
