// Hash-consing constructors for terms. Each node is interned under a key of
// its kind, fields and child ids, so building the same term twice returns the
// same object. Constructors fold constants (with the SMT-LIB meaning from
// bv-ops.ts) and apply a few identities; nothing else is rewritten.
import { bvBin, bvCmp, mask, toUnsigned } from "./bv-ops.js";
import { provablyDistinct } from "./ranges.js";
import {
  BOOL,
  bvSort,
  sortKey,
  widthOf,
  type BvBinOp,
  type BvCmpOp,
  type FunDecl,
  type Sort,
  type Term,
  type TermNode,
  assertNeverTerm,
} from "./term.js";

const table = new Map<string, Term>();
let nextId = 0;

function intern(node: TermNode, sort: Sort, key: string): Term {
  const full = `${key}|${sortKey(sort)}`;
  const found = table.get(full);
  if (found) return found;
  const term = { ...node, id: nextId++, sort } as Term;
  table.set(full, term);
  return term;
}

const ids = (ts: readonly Term[]) => ts.map((t) => t.id).join(",");
const constOf = (t: Term): bigint | undefined => (t.kind === "bv-const" ? t.value : undefined);
const boolOf = (t: Term): boolean | undefined => (t.kind === "bool-const" ? t.value : undefined);

export const bv = (value: bigint, width: number): Term => {
  const v = toUnsigned(value, width);
  return intern({ kind: "bv-const", value: v }, bvSort(width), `k${v}`);
};
export const bool = (value: boolean): Term =>
  intern({ kind: "bool-const", value }, BOOL, `b${value}`);
export const TRUE = bool(true);
export const FALSE = bool(false);
export const variable = (name: string, sort: Sort): Term =>
  intern({ kind: "var", name }, sort, `v${name}`);
export const bvVar = (name: string, width: number): Term => variable(name, bvSort(width));

export function bin(op: BvBinOp, a: Term, b: Term): Term {
  const w = widthOf(a);
  if (widthOf(b) !== w) throw new Error(`internal: ${op} on widths ${w} and ${widthOf(b)}`);
  const ka = constOf(a);
  const kb = constOf(b);
  if (ka !== undefined && kb !== undefined) return bv(bvBin(op, w, ka, kb), w);
  const identity = op === "bvadd" || op === "bvsub" || op === "bvor" || op === "bvxor";
  if (kb === 0n && (identity || op === "bvshl" || op === "bvlshr" || op === "bvashr")) return a;
  if (ka === 0n && (op === "bvadd" || op === "bvor" || op === "bvxor")) return b;
  if ((ka === 0n || kb === 0n) && (op === "bvand" || op === "bvmul")) return bv(0n, w);
  return intern({ kind: "bv-bin", op, a, b }, bvSort(w), `${op}(${a.id},${b.id})`);
}
export const add = (a: Term, b: Term) => bin("bvadd", a, b);
export const sub = (a: Term, b: Term) => bin("bvsub", a, b);

export function bvNot(a: Term): Term {
  const k = constOf(a);
  if (k !== undefined) return bv(~k, widthOf(a));
  return intern({ kind: "bv-not", a }, a.sort, `bvnot(${a.id})`);
}
export function bvNeg(a: Term): Term {
  const k = constOf(a);
  if (k !== undefined) return bv(-k, widthOf(a));
  return intern({ kind: "bv-neg", a }, a.sort, `bvneg(${a.id})`);
}

export function cmp(op: BvCmpOp, a: Term, b: Term): Term {
  const ka = constOf(a);
  const kb = constOf(b);
  if (ka !== undefined && kb !== undefined) return bool(bvCmp(op, widthOf(a), ka, kb));
  return intern({ kind: "bv-cmp", op, a, b }, BOOL, `${op}(${a.id},${b.id})`);
}
export const ult = (a: Term, b: Term) => cmp("bvult", a, b);
export const ule = (a: Term, b: Term) => cmp("bvule", a, b);
export const slt = (a: Term, b: Term) => cmp("bvslt", a, b);
export const sle = (a: Term, b: Term) => cmp("bvsle", a, b);

export function eq(a: Term, b: Term): Term {
  if (a === b) return TRUE;
  if (a.kind === "bv-const" && b.kind === "bv-const") return bool(a.value === b.value);
  if (a.kind === "bool-const" && b.kind === "bool-const") return bool(a.value === b.value);
  const [x, y] = a.id < b.id ? [a, b] : [b, a];
  return intern({ kind: "eq", a: x, b: y }, BOOL, `eq(${x.id},${y.id})`);
}

export function not(a: Term): Term {
  const k = boolOf(a);
  if (k !== undefined) return bool(!k);
  if (a.kind === "not") return a.a;
  return intern({ kind: "not", a }, BOOL, `not(${a.id})`);
}

function junction(kind: "and" | "or", terms: readonly Term[]): Term {
  const unit = kind === "and";
  const args: Term[] = [];
  const seen = new Set<Term>(); // long path conditions: a scan per argument would be quadratic
  for (const t of terms.flatMap((t) => (t.kind === kind ? t.args : [t]))) {
    const k = boolOf(t);
    if (k === !unit) return bool(!unit);
    if (k === undefined && !seen.has(t)) {
      seen.add(t);
      args.push(t);
    }
  }
  if (args.length === 0) return bool(unit);
  if (args.length === 1) return args[0] as Term;
  return intern({ kind, args }, BOOL, `${kind}(${ids(args)})`);
}
export const and = (...ts: Term[]): Term => junction("and", ts);
export const or = (...ts: Term[]): Term => junction("or", ts);
export const implies = (a: Term, b: Term): Term => or(not(a), b);

export function ite(c: Term, a: Term, b: Term): Term {
  const k = boolOf(c);
  if (k !== undefined) return k ? a : b;
  if (a === b) return a;
  return intern({ kind: "ite", c, a, b }, a.sort, `ite(${c.id},${a.id},${b.id})`);
}

export function extract(hi: number, lo: number, a: Term): Term {
  const w = widthOf(a);
  if (hi >= w || lo < 0 || hi < lo) throw new Error(`internal: extract ${hi}:${lo} of bv${w}`);
  if (hi === w - 1 && lo === 0) return a;
  const k = constOf(a);
  if (k !== undefined) return bv((k >> BigInt(lo)) & mask(hi - lo + 1), hi - lo + 1);
  if (a.kind === "zext" && lo >= widthOf(a.a)) return bv(0n, hi - lo + 1);
  if ((a.kind === "zext" || a.kind === "sext") && hi < widthOf(a.a)) return extract(hi, lo, a.a);
  return intern({ kind: "extract", hi, lo, a }, bvSort(hi - lo + 1), `ex${hi}:${lo}(${a.id})`);
}

export function concat(a: Term, b: Term): Term {
  const w = widthOf(a) + widthOf(b);
  const ka = constOf(a);
  const kb = constOf(b);
  if (ka !== undefined && kb !== undefined) return bv((ka << BigInt(widthOf(b))) | kb, w);
  // Adjacent slices of one value glue back together: reading the bytes of a
  // stored word yields the word itself.
  if (a.kind === "extract" && b.kind === "extract" && a.a === b.a && a.lo === b.hi + 1)
    return extract(a.hi, b.lo, a.a);
  // Bytes read from merged paths are ite per byte on one condition: gluing
  // each side on its own lets the slices above fold.
  if (a.kind === "ite" && b.kind === "ite" && a.c === b.c)
    return ite(a.c, concat(a.a, b.a), concat(a.b, b.b));
  return intern({ kind: "concat", a, b }, bvSort(w), `cat(${a.id},${b.id})`);
}

export function zext(by: number, a: Term): Term {
  if (by === 0) return a;
  const k = constOf(a);
  if (k !== undefined) return bv(k, widthOf(a) + by);
  return intern({ kind: "zext", by, a }, bvSort(widthOf(a) + by), `zx${by}(${a.id})`);
}

export function sext(by: number, a: Term): Term {
  if (by === 0) return a;
  const w = widthOf(a);
  const k = constOf(a);
  if (k !== undefined) return bv(BigInt.asIntN(w, k), w + by);
  return intern({ kind: "sext", by, a }, bvSort(w + by), `sx${by}(${a.id})`);
}

export function select(array: Term, index: Term): Term {
  if (array.sort.kind !== "array") throw new Error("internal: select on a non-array");
  // Reading back a store at the same (syntactic) index needs no solver.
  if (array.kind === "store" && array.index === index) return array.value;
  if (array.kind === "store" && provablyDistinct(array.index, index))
    return select(array.array, index);
  if (array.kind === "const-array") return array.value;
  // Merged paths leave ite over whole regions: at a constant index, reading
  // each side folds the read down to the bytes that were stored there.
  if (array.kind === "ite" && index.kind === "bv-const") return selectBranches(array, index);
  const sort = array.sort.kind === "array" ? bvSort(array.sort.elem) : BOOL;
  return intern({ kind: "select", array, index }, sort, `sel(${array.id},${index.id})`);
}

const branchReads = new WeakMap<Term, Map<number, Term>>();

function selectBranches(array: Term & { kind: "ite" }, index: Term): Term {
  let byIndex = branchReads.get(array);
  if (byIndex === undefined) branchReads.set(array, (byIndex = new Map()));
  const known = byIndex.get(index.id);
  if (known !== undefined) return known;
  const read = ite(array.c, select(array.a, index), select(array.b, index));
  byIndex.set(index.id, read);
  return read;
}

export function store(array: Term, index: Term, value: Term): Term {
  return intern(
    { kind: "store", array, index, value },
    array.sort,
    `st(${array.id},${index.id},${value.id})`,
  );
}

/** An array whose every element is `value` (index width given). */
export function constArray(index: number, value: Term): Term {
  const sort: Sort = { kind: "array", index, elem: widthOf(value) };
  return intern({ kind: "const-array", value }, sort, `K${index}(${value.id})`);
}

export function apply(fn: FunDecl, args: readonly Term[]): Term {
  const key = `app:${fn.name}(${ids(args)})`;
  return intern({ kind: "apply", fn, args }, fn.result, key);
}

/** Number of interned terms (for tests of sharing). */
export const internedCount = (): number => table.size;

/** t with each child replaced by f(child), rebuilt through the folding constructors. */
export function mapChildren(t: Term, f: (child: Term) => Term): Term {
  switch (t.kind) {
    case "bv-const":
    case "bool-const":
    case "var":
      return t;
    case "bv-bin":
      return bin(t.op, f(t.a), f(t.b));
    case "bv-not":
      return bvNot(f(t.a));
    case "bv-neg":
      return bvNeg(f(t.a));
    case "bv-cmp":
      return cmp(t.op, f(t.a), f(t.b));
    case "eq":
      return eq(f(t.a), f(t.b));
    case "not":
      return not(f(t.a));
    case "and":
      return and(...t.args.map(f));
    case "or":
      return or(...t.args.map(f));
    case "ite":
      return ite(f(t.c), f(t.a), f(t.b));
    case "extract":
      return extract(t.hi, t.lo, f(t.a));
    case "concat":
      return concat(f(t.a), f(t.b));
    case "zext":
      return zext(t.by, f(t.a));
    case "sext":
      return sext(t.by, f(t.a));
    case "select":
      return select(f(t.array), f(t.index));
    case "store":
      return store(f(t.array), f(t.index), f(t.value));
    case "const-array":
      return constArray(t.sort.kind === "array" ? t.sort.index : 64, f(t.value));
    case "apply":
      return apply(t.fn, t.args.map(f));
    default:
      return assertNeverTerm(t);
  }
}
