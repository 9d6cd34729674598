// Prints one obligation's formula as WhyML over the stdlib's bitvector and
// map theories, operator for operator (see docs/verification.md for the
// table). Subterms used more than once become `let` bindings named t1, t2...
// in first-use order, so the text stays linear in the DAG and deterministic.
// Three operators have no single stdlib counterpart and are expanded here:
//   extract hi lo x   = toSmall (lsr_bv x lo)            (low part of a shift)
//   concat a b        = bw_or (lsl_bv (toBig a) |b|) (toBig b)
//                       (a byte-load chain is flattened first: its inner
//                       24-, 40-, 48-, 56-bit nodes have no Why3 type)
//   ite on bitvectors = if-then-else with a formula condition
import {
  assertNeverTerm,
  children,
  concat as mkConcat,
  extract as mkExtract,
  type Term,
} from "../vc/index.js";
import type { NameTable } from "./whyml-names.js";
import {
  Unsupported,
  bvModule,
  converter,
  isBvWidth,
  literal,
  whyType,
  type Needs,
} from "./whyml-sorts.js";

const BIN: Readonly<Record<string, string>> = {
  bvadd: "add",
  bvsub: "sub",
  bvmul: "mul",
  bvudiv: "udiv",
  bvurem: "urem",
  bvsdiv: "sdiv",
  bvsrem: "srem",
  bvand: "bw_and",
  bvor: "bw_or",
  bvxor: "bw_xor",
  bvshl: "lsl_bv",
  bvlshr: "lsr_bv",
  bvashr: "asr_bv",
};

const width = (t: Term): number => (t.sort.kind === "bv" ? t.sort.width : 0);

/**
 * The leaves of a concat tree, most significant first. Inner concats of a
 * stdlib width stay leaves, so a 4-byte load shared by an 8-byte one is
 * printed (and let-bound) once.
 */
export function concatLeaves(t: Term, top = true): Term[] {
  if (t.kind !== "concat" || (!top && isBvWidth(width(t)))) return [t];
  return [...concatLeaves(t.a, false), ...concatLeaves(t.b, false)];
}

/** Children as the printer sees them: a concat tree is one node over its leaves. */
const parts = (t: Term): readonly Term[] => (t.kind === "concat" ? concatLeaves(t) : children(t));

export interface GoalContext {
  readonly names: NameTable;
  readonly needs: Needs;
  /** every variable and function met, for the module's declarations */
  readonly declared: Map<string, Term>;
}

/** The formula of `root` with its shared subterms let-bound. */
export function printFormula(root: Term, g: GoalContext): string {
  const order = dagOrder(root);
  const uses = new Map<number, number>();
  for (const t of order) for (const c of parts(t)) uses.set(c.id, (uses.get(c.id) ?? 0) + 1);
  const bound = new Map<number, string>();
  const print = (t: Term): string => bound.get(t.id) ?? node(t, print, g);
  const lets: string[] = [];
  for (const t of order) {
    if ((uses.get(t.id) ?? 0) < 2 || parts(t).length === 0 || t === root) continue;
    // A value of no stdlib width (a whole map key) is only ever sliced: left unbound.
    if (t.sort.kind === "bv" && width(t) !== 1 && !isBvWidth(width(t))) continue;
    const name = `t${bound.size + 1}`;
    lets.push(`let ${name} = ${node(t, print, g)} in`);
    bound.set(t.id, name);
  }
  return [...lets, print(root)].join("\n    ");
}

function dagOrder(root: Term): Term[] {
  const seen = new Set<number>();
  const out: Term[] = [];
  const visit = (t: Term) => {
    if (seen.has(t.id)) return;
    seen.add(t.id);
    parts(t).forEach(visit);
    out.push(t);
  };
  visit(root);
  return out;
}

function bvOf(t: Term, g: GoalContext): string {
  const m = bvModule(width(t));
  g.needs.widths.add(width(t));
  return m;
}

function conv(small: number, big: number, g: GoalContext): string {
  const c = converter(small, big);
  g.needs.widths.add(small).add(big);
  g.needs.converters.add(c);
  return c;
}

function node(t: Term, p: (t: Term) => string, g: GoalContext): string {
  switch (t.kind) {
    case "bv-const":
      if (width(t) !== 1) bvOf(t, g);
      return literal(t.value, width(t));
    case "bool-const":
      return t.value ? "true" : "false";
    case "var":
      g.declared.set(`v:${t.name}`, t);
      return g.names.get("v", t.name);
    case "bv-bin":
      return `(${bvOf(t, g)}.${BIN[t.op]} ${p(t.a)} ${p(t.b)})`;
    case "bv-not":
      return `(${bvOf(t, g)}.bw_not ${p(t.a)})`;
    case "bv-neg":
      return `(${bvOf(t, g)}.neg ${p(t.a)})`;
    case "bv-cmp":
      return `(${bvOf(t.a, g)}.${t.op.slice(2)} ${p(t.a)} ${p(t.b)})`;
    case "eq":
      return t.a.sort.kind === "bool" ? `(${p(t.a)} <-> ${p(t.b)})` : `(${p(t.a)} = ${p(t.b)})`;
    case "not":
      return `(not ${p(t.a)})`;
    case "and":
      return `(${t.args.map(p).join(" /\\ ")})`;
    case "or":
      return or(t.args, p);
    case "ite":
      return `(if ${p(t.c)} then ${p(t.a)} else ${p(t.b)})`;
    case "extract":
      return extract(t, p, g);
    case "concat":
      return concat(t, p, g);
    case "zext":
    case "sext":
      return `(${conv(width(t.a), width(t), g)}.${t.kind === "zext" ? "toBig" : "stoBig"} ${p(t.a)})`;
    case "select":
      g.needs.maps = true;
      return `(Map.get ${p(t.array)} ${p(t.index)})`;
    case "store":
      g.needs.maps = true;
      return `(Map.set ${p(t.array)} ${p(t.index)} ${p(t.value)})`;
    case "const-array":
      g.needs.maps = g.needs.constMaps = true;
      return `(Const.const ${p(t.value)} : ${typeOf(t, g)})`;
    case "apply":
      g.declared.set(`f:${t.fn.name}`, t);
      return `(${g.names.get("f", t.fn.name)} ${t.args.map(p).join(" ")})`;
    default:
      return assertNeverTerm(t);
  }
}

/** A type, recording the bitvector theories it needs. */
export function typeOf(t: { readonly sort: Term["sort"] }, g: GoalContext): string {
  const s = t.sort;
  const ws = s.kind === "bv" ? [s.width] : s.kind === "array" ? [s.index, s.elem] : [];
  for (const w of ws) if (w !== 1) g.needs.widths.add(w);
  return whyType(s);
}

/** `(not a) \/ b` is printed as the implication it was built from. */
function or(args: readonly Term[], p: (t: Term) => string): string {
  const [first, second] = args;
  if (args.length === 2 && first?.kind === "not" && second)
    return `(${p(first.a)} -> ${p(second)})`;
  return `(${args.map(p).join(" \\/ ")})`;
}

/**
 * bits hi..lo of x, taken from the leaves where x is a concat: a map key
 * (20 bytes for pw_rules) is one wide concat whose 64-bit chunks are
 * extracts, and no stdlib theory is that wide.
 */
function slice(hi: number, lo: number, x: Term): Term {
  if (x.kind !== "concat") return mkExtract(hi, lo, x);
  const low = width(x.b);
  if (lo >= low) return slice(hi - low, lo - low, x.a);
  if (hi < low) return slice(hi, lo, x.b);
  return mkConcat(slice(hi - low, 0, x.a), slice(low - 1, lo, x.b));
}

function extract(t: Term & { kind: "extract" }, p: (t: Term) => string, g: GoalContext): string {
  if (t.a.kind === "concat") {
    const sliced = slice(t.hi, t.lo, t.a);
    if (sliced !== t) return p(sliced);
  }
  const from = width(t.a);
  const to = width(t);
  if (!isBvWidth(to)) throw new Unsupported(`why3: extract to width ${to}`);
  const shifted =
    t.lo === 0 ? p(t.a) : `(${bvOf(t.a, g)}.lsr_bv ${p(t.a)} ${literal(BigInt(t.lo), from)})`;
  return `(${conv(to, from, g)}.toSmall ${shifted})`;
}

function concat(t: Term, p: (t: Term) => string, g: GoalContext): string {
  const to = width(t);
  const m = bvOf(t, g);
  let pos = to;
  const placed = concatLeaves(t).map((leaf) => {
    const w = width(leaf);
    pos -= w;
    const wide = w === to ? p(leaf) : `(${conv(w, to, g)}.toBig ${p(leaf)})`;
    return pos === 0 ? wide : `(${m}.lsl_bv ${wide} ${literal(BigInt(pos), to)})`;
  });
  return placed.reduce((acc, x) => `(${m}.bw_or ${acc} ${x})`);
}
