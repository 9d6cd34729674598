// SMT-LIB 2 bitvector semantics on unsigned bigints (0 <= v < 2^width): the
// meaning of every operator as z3 and cvc5 define it, including division by
// zero (bvudiv gives all ones, bvurem the dividend). Used by constant folding
// and by the concrete term evaluator, never by the VC rules themselves.
import { assertNeverTerm, type BvBinOp, type BvCmpOp } from "./term.js";

export const mask = (width: number): bigint => (1n << BigInt(width)) - 1n;
export const toSigned = (v: bigint, width: number): bigint => BigInt.asIntN(width, v);
export const toUnsigned = (v: bigint, width: number): bigint => BigInt.asUintN(width, v);

export function bvBin(op: BvBinOp, width: number, a: bigint, b: bigint): bigint {
  const w = BigInt(width);
  const u = (v: bigint) => toUnsigned(v, width);
  const s = (v: bigint) => toSigned(v, width);
  switch (op) {
    case "bvadd":
      return u(a + b);
    case "bvsub":
      return u(a - b);
    case "bvmul":
      return u(a * b);
    case "bvudiv":
      return b === 0n ? mask(width) : a / b;
    case "bvurem":
      return b === 0n ? a : a % b;
    case "bvsdiv":
      return sdiv(a, b, width);
    case "bvsrem":
      return b === 0n ? a : u(s(a) % s(b));
    case "bvand":
      return a & b;
    case "bvor":
      return a | b;
    case "bvxor":
      return a ^ b;
    case "bvshl":
      return b >= w ? 0n : u(a << b);
    case "bvlshr":
      return b >= w ? 0n : a >> b;
    case "bvashr":
      return u(s(a) >> (b >= w ? w - 1n : b));
    default:
      return assertNeverTerm(op);
  }
}

/** bvsdiv by zero: SMT-LIB defines it through bvudiv on magnitudes. */
function sdiv(a: bigint, b: bigint, width: number): bigint {
  const sa = toSigned(a, width);
  const sb = toSigned(b, width);
  if (sb === 0n) return sa < 0n ? 1n : mask(width);
  return toUnsigned(sa / sb, width);
}

export function bvCmp(op: BvCmpOp, width: number, a: bigint, b: bigint): boolean {
  switch (op) {
    case "bvult":
      return a < b;
    case "bvule":
      return a <= b;
    case "bvslt":
      return toSigned(a, width) < toSigned(b, width);
    case "bvsle":
      return toSigned(a, width) <= toSigned(b, width);
    default:
      return assertNeverTerm(op);
  }
}
