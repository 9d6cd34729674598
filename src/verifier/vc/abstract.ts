// A cheap first attempt at a check: its implication with every memory read,
// merge choice and uninterpreted application of bitvector sort replaced by a
// variable (the same subterm, the same variable), then sliced. Merged paths
// and unrolled loops make those subterms huge, while a check usually needs
// only how they relate: "n <= 35, so fp-0x140+0x50+n is in the frame" holds
// whatever n is. What the structure alone says about a subterm is kept as a
// fact about its variable: the constants an ite chooses between, or its
// range (ranges.ts). An implication valid for every value of the variables
// that meets those facts is valid for the values the subterms take, so a
// proof of the abstracted implication proves the original; a refutation of
// it proves nothing, and callers go on to the slice and the whole condition.
import { slicedImplication } from "./slice.js";
import { mask } from "./bv-ops.js";
import { rangeOf } from "./ranges.js";
import { and, bv, eq, mapChildren, or, ule, variable } from "./term-store.js";
import { subterms, widthOf, type Term } from "./term.js";

const OPAQUE = new Set<Term["kind"]>(["select", "ite", "apply"]);

/** An opaque term with at most this many constant values keeps them as a fact. */
const MAX_VALUES = 16;

// A subterm's variable is named by its id, so one memo serves every check.
const abstracted = new WeakMap<Term, Term>();
/** What the structure says about each variable's value: its constants or its range. */
const facts = new Map<string, Term>();

function abstractTerm(t: Term): Term {
  const hit = abstracted.get(t);
  if (hit !== undefined) return hit;
  const out = t.sort.kind === "bv" && OPAQUE.has(t.kind) ? opaque(t) : mapChildren(t, abstractTerm);
  abstracted.set(t, out);
  return out;
}

function opaque(t: Term): Term {
  const name = `abstract#${t.id}`;
  const v = variable(name, t.sort);
  const values = constantLeaves(t);
  if (values !== undefined) facts.set(name, or(...values.map((k) => eq(v, bv(k, widthOf(t))))));
  else {
    const { lo, hi } = rangeOf(t);
    if (lo !== 0n || hi !== mask(widthOf(t)))
      facts.set(name, and(ule(bv(lo, widthOf(t)), v), ule(v, bv(hi, widthOf(t)))));
  }
  return v;
}

/** The values of an ite tree whose leaves are all constants (few enough). */
function constantLeaves(t: Term): bigint[] | undefined {
  const out = new Set<bigint>();
  const visit = (u: Term): boolean => {
    if (u.kind === "bv-const") out.add(u.value);
    else if (u.kind !== "ite" || !visit(u.a) || !visit(u.b)) return false;
    return out.size <= MAX_VALUES;
  };
  return visit(t) ? [...out] : undefined;
}

/** The facts about the abstraction variables the terms mention. */
function factsAbout(terms: readonly Term[]): Term[] {
  return subterms(terms).flatMap((u) => {
    const fact = u.kind === "var" ? facts.get(u.name) : undefined;
    return fact === undefined ? [] : [fact];
  });
}

/** path => goal over opaque subterms, sliced; its validity implies the original's. */
export function abstractedImplication(path: Term, goal: Term): Term {
  const [p, g] = [abstractTerm(path), abstractTerm(goal)];
  return slicedImplication(and(p, ...factsAbout([p, g])), g);
}
