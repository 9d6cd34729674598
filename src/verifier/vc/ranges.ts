// Unsigned ranges of bitvector terms read off their structure alone (no path
// condition): a zero-extended 32-bit load is below 2^32, a constant plus it is
// at least the constant, a value masked with 0xff is at most 0xff. Sound for
// every value of the variables, so two indices whose ranges are disjoint are
// distinct, and a read past a store at such an index needs no solver.
import { mask } from "./bv-ops.js";
import { widthOf, type Term } from "./term.js";

export interface Range {
  readonly lo: bigint;
  readonly hi: bigint;
}

const known = new WeakMap<Term, Range>();

const full = (w: number): Range => ({ lo: 0n, hi: mask(w) });

/** A range holding every value t can take. */
export function rangeOf(t: Term): Range {
  const hit = known.get(t);
  if (hit !== undefined) return hit;
  const r = compute(t);
  known.set(t, r);
  return r;
}

/** Whether no assignment makes the two bitvector terms equal. */
export function provablyDistinct(a: Term, b: Term): boolean {
  if (a.kind === "bv-const" && b.kind === "bv-const") return a.value !== b.value;
  const [x, y] = [rangeOf(a), rangeOf(b)];
  return x.hi < y.lo || y.hi < x.lo;
}

function compute(t: Term): Range {
  const w = widthOf(t);
  const top = mask(w);
  switch (t.kind) {
    case "bv-const":
      return { lo: t.value, hi: t.value };
    case "zext":
      return rangeOf(t.a);
    case "extract": {
      const inner = rangeOf(t.a);
      return t.lo === 0 && inner.hi <= top ? inner : full(w);
    }
    case "concat": {
      const [a, b] = [rangeOf(t.a), rangeOf(t.b)];
      const shift = BigInt(widthOf(t.b));
      return { lo: (a.lo << shift) | b.lo, hi: (a.hi << shift) | b.hi };
    }
    case "ite": {
      const [a, b] = [rangeOf(t.a), rangeOf(t.b)];
      return { lo: a.lo < b.lo ? a.lo : b.lo, hi: a.hi > b.hi ? a.hi : b.hi };
    }
    case "bv-bin":
      return binary(t.op, rangeOf(t.a), rangeOf(t.b), t.b, top) ?? full(w);
    default:
      return full(w);
  }
}

function binary(op: string, a: Range, b: Range, right: Term, top: bigint): Range | undefined {
  const k = right.kind === "bv-const" ? right.value : undefined;
  switch (op) {
    case "bvadd":
      return a.hi + b.hi <= top ? { lo: a.lo + b.lo, hi: a.hi + b.hi } : undefined;
    case "bvand":
      return { lo: 0n, hi: a.hi < b.hi ? a.hi : b.hi };
    case "bvlshr":
      return k === undefined ? undefined : { lo: a.lo >> k, hi: a.hi >> k };
    case "bvshl":
      return k !== undefined && a.hi << k <= top ? { lo: a.lo << k, hi: a.hi << k } : undefined;
    case "bvurem":
      return k !== undefined && k > 0n ? { lo: 0n, hi: a.hi < k - 1n ? a.hi : k - 1n } : undefined;
    default:
      return undefined;
  }
}
