// The backend-neutral term language of verification conditions: booleans,
// bitvectors of width 1..64, arrays from bitvectors to bitvectors (memory
// regions) and uninterpreted functions (kernel memory, helper results). Terms
// are hash-consed (see term-store.ts): structurally equal terms are the same
// object with the same id, so DAG sharing is preserved by printers and the
// evaluator memoises by id.

export type Sort =
  | { readonly kind: "bool" }
  | { readonly kind: "bv"; readonly width: number }
  | { readonly kind: "array"; readonly index: number; readonly elem: number };

export interface FunDecl {
  readonly name: string;
  readonly params: readonly Sort[];
  readonly result: Sort;
}

export type BvBinOp =
  | "bvadd"
  | "bvsub"
  | "bvmul"
  | "bvudiv"
  | "bvurem"
  | "bvsdiv"
  | "bvsrem"
  | "bvand"
  | "bvor"
  | "bvxor"
  | "bvshl"
  | "bvlshr"
  | "bvashr";

export type BvCmpOp = "bvult" | "bvule" | "bvslt" | "bvsle";

export type TermNode =
  | { readonly kind: "bv-const"; readonly value: bigint }
  | { readonly kind: "bool-const"; readonly value: boolean }
  | { readonly kind: "var"; readonly name: string }
  | { readonly kind: "bv-bin"; readonly op: BvBinOp; readonly a: Term; readonly b: Term }
  | { readonly kind: "bv-not"; readonly a: Term }
  | { readonly kind: "bv-neg"; readonly a: Term }
  | { readonly kind: "bv-cmp"; readonly op: BvCmpOp; readonly a: Term; readonly b: Term }
  | { readonly kind: "eq"; readonly a: Term; readonly b: Term }
  | { readonly kind: "not"; readonly a: Term }
  | { readonly kind: "and"; readonly args: readonly Term[] }
  | { readonly kind: "or"; readonly args: readonly Term[] }
  | { readonly kind: "ite"; readonly c: Term; readonly a: Term; readonly b: Term }
  | { readonly kind: "extract"; readonly hi: number; readonly lo: number; readonly a: Term }
  | { readonly kind: "concat"; readonly a: Term; readonly b: Term }
  | { readonly kind: "zext"; readonly by: number; readonly a: Term }
  | { readonly kind: "sext"; readonly by: number; readonly a: Term }
  | { readonly kind: "select"; readonly array: Term; readonly index: Term }
  | { readonly kind: "store"; readonly array: Term; readonly index: Term; readonly value: Term }
  | { readonly kind: "const-array"; readonly value: Term }
  | { readonly kind: "apply"; readonly fn: FunDecl; readonly args: readonly Term[] };

export type Term = TermNode & { readonly id: number; readonly sort: Sort };

export const BOOL: Sort = { kind: "bool" };
export const bvSort = (width: number): Sort => ({ kind: "bv", width });
export const arraySort = (index: number, elem: number): Sort => ({ kind: "array", index, elem });

/** Width of a bitvector term; an internal error for any other sort. */
export function widthOf(t: Term): number {
  if (t.sort.kind !== "bv") throw new Error(`internal: expected a bitvector, got ${t.sort.kind}`);
  return t.sort.width;
}

export const sortKey = (s: Sort): string =>
  s.kind === "bool" ? "B" : s.kind === "bv" ? `bv${s.width}` : `A${s.index}:${s.elem}`;

/** Direct children, in a fixed order (printers and traversals use it). */
export function children(t: Term): readonly Term[] {
  switch (t.kind) {
    case "bv-const":
    case "bool-const":
    case "var":
      return [];
    case "bv-not":
    case "bv-neg":
    case "not":
    case "extract":
    case "zext":
    case "sext":
    case "const-array":
      return t.kind === "const-array" ? [t.value] : [t.a];
    case "bv-bin":
    case "bv-cmp":
    case "eq":
    case "concat":
      return [t.a, t.b];
    case "and":
    case "or":
    case "apply":
      return t.args;
    case "ite":
      return [t.c, t.a, t.b];
    case "select":
      return [t.array, t.index];
    case "store":
      return [t.array, t.index, t.value];
    default:
      return assertNeverTerm(t);
  }
}

export function assertNeverTerm(x: never): never {
  throw new Error(`internal: unexpected term ${JSON.stringify(x)}`);
}

/** Every distinct subterm, children before parents. */
export function subterms(roots: readonly Term[]): Term[] {
  const seen = new Set<number>();
  const out: Term[] = [];
  const visit = (t: Term) => {
    if (seen.has(t.id)) return;
    seen.add(t.id);
    for (const c of children(t)) visit(c);
    out.push(t);
  };
  roots.forEach(visit);
  return out;
}
