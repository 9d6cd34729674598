// Whether a stack byte was written, read from the stack's init array. The
// array is a chain of stores (mostly at constant offsets, the bytes a
// function's locals take) joined by ite where paths merged. Asking the
// solver to select from it at a symbolic offset makes it split cases over
// every store, and a hook's stack takes hundreds; here a run of stores at
// constant offsets becomes a few interval tests, exactly equivalent. At a
// constant offset the whole read folds to true or false unless a store at a
// symbolic offset is in the way (select alone does not fold through ite).
import { FALSE, TRUE, and, bv, eq, ite, not, or, select, ule } from "./term-store.js";
import type { Term } from "./term.js";

type Reader = (init: Term, at: Term) => Term;

/** A reader memoised per (array, offset). */
function memoised(read: Reader): Reader {
  const memo = new WeakMap<Term, Map<number, Term>>();
  return (init, at) => {
    let byOffset = memo.get(init);
    if (byOffset === undefined) memo.set(init, (byOffset = new Map()));
    const known = byOffset.get(at.id);
    if (known !== undefined) return known;
    const result = read(init, at);
    byOffset.set(at.id, result);
    return result;
  };
}

/** The init bit of byte `at` is 1. */
export const written = (init: Term, at: Term): Term => writtenExactly(init, at);

const writtenExactly: Reader = memoised(writtenAt);

/**
 * Implies `written`: written whichever way each merge went, and without
 * counting stores of 1 at symbolic offsets. A bit is only ever set, except by
 * stores of 0 (a frame's bytes on entry), so this is enough far more often
 * than not; it is a few interval tests where `written` splits cases over
 * every merge, and it does not grow with the number of merged paths.
 */
export const writtenOnEveryBranch: Reader = memoised((t, at) => {
  const runs = constantRuns(t);
  if (runs.base !== t)
    return or(
      among(runs.ones, at),
      and(not(among(runs.zeros, at)), writtenOnEveryBranch(runs.base, at)),
    );
  switch (t.kind) {
    case "ite":
      return and(writtenOnEveryBranch(t.a, at), writtenOnEveryBranch(t.b, at));
    case "store":
      return t.value.kind === "bv-const" && t.value.value === 1n
        ? writtenOnEveryBranch(t.array, at)
        : and(not(eq(t.index, at)), writtenOnEveryBranch(t.array, at));
    default:
      return writtenExactly(t, at);
  }
});

/** The stores at constant offsets of constant bits on top of t, latest first. */
function constantRuns(t: Term): { ones: bigint[]; zeros: bigint[]; base: Term } {
  const ones: bigint[] = [];
  const zeros: bigint[] = [];
  const decided = new Set<bigint>();
  let base = t;
  while (
    base.kind === "store" &&
    base.index.kind === "bv-const" &&
    base.value.kind === "bv-const"
  ) {
    const i = base.index.value;
    if (!decided.has(i)) {
      decided.add(i);
      (base.value.value === 1n ? ones : zeros).push(i);
    }
    base = base.array;
  }
  return { ones, zeros, base };
}

function writtenAt(t: Term, at: Term): Term {
  const { ones, zeros, base } = constantRuns(t);
  if (base !== t) return or(among(ones, at), and(not(among(zeros, at)), writtenExactly(base, at)));
  switch (t.kind) {
    case "ite":
      return ite(t.c, writtenExactly(t.a, at), writtenExactly(t.b, at));
    case "const-array":
      return t.value.kind === "bv-const"
        ? t.value.value === 1n
          ? TRUE
          : FALSE
        : eq(t.value, bv(1n, 1));
    case "store":
      // a symbolic offset, or a value not known here
      return ite(eq(t.index, at), eq(t.value, bv(1n, 1)), writtenExactly(t.array, at));
    default:
      return eq(select(t, at), bv(1n, 1));
  }
}

/** at is one of the constants, as a disjunction over their maximal runs. */
function among(values: readonly bigint[], at: Term): Term {
  if (values.length === 0) return FALSE;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const runs: [bigint, bigint][] = [];
  for (const v of sorted) {
    const last = runs.at(-1);
    if (last && v === last[1] + 1n) last[1] = v;
    else runs.push([v, v]);
  }
  return or(
    ...runs.map(([lo, hi]) =>
      lo === hi ? eq(at, bv(lo, 64)) : and(ule(bv(lo, 64), at), ule(at, bv(hi, 64))),
    ),
  );
}
