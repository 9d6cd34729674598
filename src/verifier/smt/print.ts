// SMT-LIB 2 printing of terms. Subterms used more than once are bound by
// define-fun, so the printed size stays linear in the term DAG. Symbols are
// always |quoted| (names carry @, # and :). The logic is the smallest of
// QF_BV, QF_ABV, QF_UFBV and QF_AUFBV that covers the terms.
import {
  assertNeverTerm,
  children,
  subterms,
  type FunDecl,
  type Sort,
  type Term,
} from "../vc/index.js";

export function printSort(s: Sort): string {
  switch (s.kind) {
    case "bool":
      return "Bool";
    case "bv":
      return `(_ BitVec ${s.width})`;
    case "array":
      return `(Array (_ BitVec ${s.index}) (_ BitVec ${s.elem}))`;
    default:
      return assertNeverTerm(s);
  }
}

export const quote = (name: string): string => `|${name.replace(/[|\\]/g, "_")}|`;

export function logicFor(terms: readonly Term[]): string {
  const all = subterms(terms);
  const arrays = all.some((t) => t.sort.kind === "array");
  const funs = all.some((t) => t.kind === "apply");
  return `QF_${arrays ? "A" : ""}${funs ? "UF" : ""}BV`;
}

export interface Printed {
  /** declarations and definitions, one command per line */
  readonly preamble: string[];
  /** prints a term, referring to the definitions of the preamble */
  readonly print: (t: Term) => string;
}

/** Declares the variables and functions of `roots` and binds their shared subterms. */
export function printTerms(roots: readonly Term[]): Printed {
  const all = subterms(roots);
  const uses = new Map<number, number>();
  for (const t of all) for (const c of children(t)) uses.set(c.id, (uses.get(c.id) ?? 0) + 1);
  const named = new Set(
    all.filter((t) => (uses.get(t.id) ?? 0) > 1 && children(t).length > 0).map((t) => t.id),
  );
  const print = (t: Term): string => (named.has(t.id) ? `|t${t.id}|` : node(t, print));
  const preamble = [...declarations(all)];
  for (const t of all)
    if (named.has(t.id))
      preamble.push(`(define-fun |t${t.id}| () ${printSort(t.sort)} ${node(t, print)})`);
  return { preamble, print };
}

function declarations(all: readonly Term[]): string[] {
  const out: string[] = [];
  const funs = new Map<string, FunDecl>();
  for (const t of all) {
    if (t.kind === "var") out.push(`(declare-fun ${quote(t.name)} () ${printSort(t.sort)})`);
    if (t.kind === "apply") funs.set(t.fn.name, t.fn);
  }
  for (const f of funs.values())
    out.push(
      `(declare-fun ${quote(f.name)} (${f.params.map(printSort).join(" ")}) ${printSort(f.result)})`,
    );
  return out;
}

function node(t: Term, p: (t: Term) => string): string {
  switch (t.kind) {
    case "bv-const":
      return `(_ bv${t.value} ${t.sort.kind === "bv" ? t.sort.width : 0})`;
    case "bool-const":
      return t.value ? "true" : "false";
    case "var":
      return quote(t.name);
    case "bv-bin":
    case "bv-cmp":
      return `(${t.op} ${p(t.a)} ${p(t.b)})`;
    case "bv-not":
      return `(bvnot ${p(t.a)})`;
    case "bv-neg":
      return `(bvneg ${p(t.a)})`;
    case "eq":
      return `(= ${p(t.a)} ${p(t.b)})`;
    case "not":
      return `(not ${p(t.a)})`;
    case "and":
    case "or":
      return `(${t.kind} ${t.args.map(p).join(" ")})`;
    case "ite":
      return `(ite ${p(t.c)} ${p(t.a)} ${p(t.b)})`;
    case "extract":
      return `((_ extract ${t.hi} ${t.lo}) ${p(t.a)})`;
    case "concat":
      return `(concat ${p(t.a)} ${p(t.b)})`;
    case "zext":
      return `((_ zero_extend ${t.by}) ${p(t.a)})`;
    case "sext":
      return `((_ sign_extend ${t.by}) ${p(t.a)})`;
    case "select":
      return `(select ${p(t.array)} ${p(t.index)})`;
    case "store":
      return `(store ${p(t.array)} ${p(t.index)} ${p(t.value)})`;
    case "const-array":
      return `((as const ${printSort(t.sort)}) ${p(t.value)})`;
    case "apply":
      return `(${quote(t.fn.name)} ${t.args.map(p).join(" ")})`;
    default:
      return assertNeverTerm(t);
  }
}
