// Slicing a check's path condition to what its goal depends on: the path's
// conjuncts that share a variable or function with the goal, or with a kept
// conjunct, transitively. Dropping the rest weakens the hypothesis, so a
// proof of the sliced implication proves the full one; a refutation of the
// sliced one proves nothing (a dropped conjunct may rule the model out), so
// callers fall back to the full condition when the slice is not proved.
import { and, implies } from "./term-store.js";
import { children, type Term } from "./term.js";

const symbolsCache = new WeakMap<Term, ReadonlySet<string>>();
const NONE: ReadonlySet<string> = new Set();

/** The variables and function symbols a term mentions. */
function symbolsOf(t: Term): ReadonlySet<string> {
  const known = symbolsCache.get(t);
  if (known) return known;
  let out: ReadonlySet<string>;
  if (t.kind === "var") out = new Set([t.name]);
  else {
    const kids = children(t);
    const own = t.kind === "apply" ? [`fn:${t.fn.name}`] : [];
    const sets = kids.map(symbolsOf).filter((s) => s.size > 0);
    if (sets.length === 0 && own.length === 0) out = NONE;
    else if (sets.length === 1 && own.length === 0) out = sets[0] as ReadonlySet<string>;
    else out = new Set([...own, ...sets.flatMap((s) => [...s])]);
  }
  symbolsCache.set(t, out);
  return out;
}

function conjuncts(t: Term): Term[] {
  return t.kind === "and" ? t.args.flatMap(conjuncts) : [t];
}

/** path => goal, with the path's conjuncts cut to those the goal depends on. */
export function slicedImplication(path: Term, goal: Term): Term {
  const parts = conjuncts(path);
  const wanted = new Set(symbolsOf(goal));
  const kept = new Array<boolean>(parts.length).fill(false);
  for (let grew = true; grew;) {
    grew = false;
    parts.forEach((p, i) => {
      if (kept[i]) return;
      const syms = symbolsOf(p);
      if (![...syms].some((s) => wanted.has(s))) return;
      kept[i] = true;
      grew = true;
      for (const s of syms) wanted.add(s);
    });
  }
  return implies(and(...parts.filter((_, i) => kept[i])), goal);
}
