// Generalization: a check with every occurrence of chosen subterms replaced
// by a variable (the same subterm, the same variable). If the result holds
// for every value of those variables, it holds for the values the subterms
// take, so a proof of the generalized implication proves the original; a
// model of its negation proves nothing.
//
// A specification names the subterms: the values its lemmas pinned (a
// bpf_loop's best score over 144 candidate keys) are shared by the program's
// exit and the clause about it, and what the clause needs is that they are
// the same value, not what that value is. Left in place, the solver expands
// thousands of nodes it never needed; generalized, the query is the
// program's logic around them (tens of nodes).
import type { Obligation } from "./obligation.js";
import { slicedImplication } from "./slice.js";
import { and, mapChildren, variable } from "./term-store.js";
import { children, type Term } from "./term.js";

// One memo per list of opaque terms: the cases of an obligation, and the
// obligations of one spec, share most of their subterms.
const memos = new WeakMap<readonly Term[], Map<number, Term>>();

/** t with each of `opaque` (outermost first) replaced by its variable. */
export function generalize(t: Term, opaque: readonly Term[]): Term {
  let memo = memos.get(opaque);
  if (memo === undefined) {
    // A constant or a variable is already as general as it gets; replacing
    // a constant would also cut every other use of it loose.
    const terms = opaque.filter((o) => children(o).length > 0);
    memo = new Map(terms.map((o) => [o.id, variable(`opaque#${o.id}`, o.sort)]));
    memos.set(opaque, memo);
  }
  const known = memo;
  const visit = (u: Term): Term => {
    const hit = known.get(u.id);
    if (hit !== undefined) return hit;
    const out = mapChildren(u, visit);
    known.set(u.id, out);
    return out;
  };
  return visit(t);
}

/** path => goal over the opaque subterms as variables, sliced; its validity implies the original's. */
export function generalizedImplication(path: Term, goal: Term, opaque: readonly Term[]): Term {
  return slicedImplication(generalize(path, opaque), generalize(goal, opaque));
}

/**
 * The condition a proof route should hand its solver: the obligation's own,
 * or, where it names opaque subterms, the conjunction of its cases
 * generalized over them (valid only if the condition is).
 */
export function provingCondition(ob: Obligation): Term {
  const opaque = ob.opaque;
  if (opaque === undefined) return ob.condition;
  return and(...ob.cases.map((c) => generalizedImplication(c.path, c.safe, opaque)));
}
