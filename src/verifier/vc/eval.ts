// Concrete evaluation of terms under an assignment (a solver model or test
// inputs). Unassigned variables are 0/false and unassigned arrays are all 0,
// as a model completion would have it. The evaluator is the reference that
// ties the VC rules to the interpreter in the differential tests.
import { bvBin, bvCmp, mask, toSigned, toUnsigned } from "./bv-ops.js";
import { assertNeverTerm, widthOf, type Term } from "./term.js";

export interface ArrayValue {
  readonly fallback: bigint;
  readonly entries: ReadonlyMap<bigint, bigint>;
}
export type Value = bigint | boolean | ArrayValue;

export interface Assignment {
  readonly values: ReadonlyMap<string, bigint | boolean>;
  readonly arrays: ReadonlyMap<string, ArrayValue>;
  /** results of uninterpreted applications, keyed `name(arg,arg)` in decimal */
  readonly applications?: ReadonlyMap<string, bigint>;
}

export const emptyAssignment: Assignment = { values: new Map(), arrays: new Map() };

export function evaluate(t: Term, env: Assignment, memo = new Map<number, Value>()): Value {
  const hit = memo.get(t.id);
  if (hit !== undefined) return hit;
  const v = evalNode(t, env, (c) => evaluate(c, env, memo));
  memo.set(t.id, v);
  return v;
}

export const evalBv = (t: Term, env: Assignment): bigint => asBv(evaluate(t, env));
export const evalBool = (t: Term, env: Assignment): boolean => asBool(evaluate(t, env));

function asBv(v: Value): bigint {
  if (typeof v !== "bigint") throw new Error("internal: expected a bitvector value");
  return v;
}
function asBool(v: Value): boolean {
  if (typeof v !== "boolean") throw new Error("internal: expected a boolean value");
  return v;
}
function asArray(v: Value): ArrayValue {
  if (typeof v !== "object") throw new Error("internal: expected an array value");
  return v;
}

function evalVar(t: Term & { kind: "var" }, env: Assignment): Value {
  if (t.sort.kind === "array")
    return env.arrays.get(t.name) ?? { fallback: 0n, entries: new Map() };
  const v = env.values.get(t.name);
  if (t.sort.kind === "bool") return v === undefined ? false : v === true;
  return typeof v === "bigint" ? toUnsigned(v, t.sort.width) : 0n;
}

function evalNode(t: Term, env: Assignment, ev: (c: Term) => Value): Value {
  const b = (c: Term) => asBv(ev(c));
  const p = (c: Term) => asBool(ev(c));
  switch (t.kind) {
    case "bv-const":
    case "bool-const":
      return t.value;
    case "var":
      return evalVar(t, env);
    case "bv-bin":
      return bvBin(t.op, widthOf(t), b(t.a), b(t.b));
    case "bv-not":
      return b(t.a) ^ mask(widthOf(t));
    case "bv-neg":
      return toUnsigned(-b(t.a), widthOf(t));
    case "bv-cmp":
      return bvCmp(t.op, widthOf(t.a), b(t.a), b(t.b));
    case "eq":
      return sameValue(ev(t.a), ev(t.b));
    case "not":
      return !p(t.a);
    case "and":
      return t.args.every(p);
    case "or":
      return t.args.some(p);
    case "ite":
      return p(t.c) ? ev(t.a) : ev(t.b);
    case "extract":
      return (b(t.a) >> BigInt(t.lo)) & mask(t.hi - t.lo + 1);
    case "concat":
      return (b(t.a) << BigInt(widthOf(t.b))) | b(t.b);
    case "zext":
      return b(t.a);
    case "sext":
      return toUnsigned(toSigned(b(t.a), widthOf(t.a)), widthOf(t));
    case "select": {
      const arr = asArray(ev(t.array));
      return arr.entries.get(b(t.index)) ?? arr.fallback;
    }
    case "store": {
      const arr = asArray(ev(t.array));
      return { fallback: arr.fallback, entries: new Map(arr.entries).set(b(t.index), b(t.value)) };
    }
    case "const-array":
      return { fallback: b(t.value), entries: new Map() };
    case "apply": {
      const key = `${t.fn.name}(${t.args.map((a) => String(ev(a))).join(",")})`;
      return t.sort.kind === "bool" ? false : (env.applications?.get(key) ?? 0n);
    }
    default:
      return assertNeverTerm(t);
  }
}

function sameValue(a: Value, b: Value): boolean {
  if (typeof a !== "object" || typeof b !== "object") return a === b;
  throw new Error("internal: array equality is not evaluated");
}
