// Pure RFC 9669 arithmetic on bigint register values. Shared by the concrete
// interpreter and the tests, and the reference the symbolic step must match.
// Register values are always unsigned 64-bit bigints (0 <= v < 2^64).
import {
  assertNever,
  type AluOp,
  type AtomicOp,
  type JmpCond,
  type MemSize,
  type Width,
} from "../isa/index.js";

export const MASK64 = (1n << 64n) - 1n;

export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
export const truncate = (v: bigint, bits: number): bigint => BigInt.asUintN(bits, v);
export const signed = (v: bigint, bits: number): bigint => BigInt.asIntN(bits, v);
/** Sign-extends the low `bits` of v to a 64-bit unsigned value. */
export const signExtend = (v: bigint, bits: number): bigint => u64(signed(v, bits));

/** A 32-bit imm as a 64-bit operand: sign-extended (ALU32 ops then use its low half). */
export const immValue = (imm: number): bigint => u64(BigInt(imm));

/** dst op src for one ALU operation; 32-bit results are zero-extended. */
export function aluOp(op: AluOp, width: Width, dst: bigint, src: bigint): bigint {
  const a = truncate(dst, width);
  const b = truncate(src, width);
  const shift = b & BigInt(width - 1);
  const wrap = (v: bigint) => truncate(v, width);
  switch (op) {
    case "add":
      return wrap(a + b);
    case "sub":
      return wrap(a - b);
    case "mul":
      return wrap(a * b);
    case "div":
      return b === 0n ? 0n : a / b;
    case "sdiv":
      return b === 0n ? 0n : wrap(signed(a, width) / signed(b, width));
    case "mod":
      return b === 0n ? a : a % b;
    case "smod":
      return b === 0n ? a : wrap(signed(a, width) % signed(b, width));
    case "or":
      return a | b;
    case "and":
      return a & b;
    case "xor":
      return a ^ b;
    case "lsh":
      return wrap(a << shift);
    case "rsh":
      return a >> shift;
    case "arsh":
      return wrap(signed(a, width) >> shift);
    default:
      return assertNever(op);
  }
}

export const mov = (width: Width, src: bigint): bigint => truncate(src, width);

/** movsx: sign-extend the low `bits` of src to `width`, zero-extending a 32-bit result. */
export const movsx = (width: Width, bits: number, src: bigint): bigint =>
  truncate(signExtend(src, bits), width);

export const neg = (width: Width, dst: bigint): bigint => truncate(-dst, width);

export function byteSwap(v: bigint, bits: number): bigint {
  let out = 0n;
  for (let i = 0; i < bits; i += 8) out = (out << 8n) | ((v >> BigInt(i)) & 0xffn);
  return out;
}

/** le/be/swap on a little-endian machine: le truncates, be and swap reverse bytes. */
export function endian(order: "le" | "be" | "swap", bits: number, dst: bigint): bigint {
  return order === "le" ? truncate(dst, bits) : byteSwap(truncate(dst, bits), bits);
}

export function jumpTaken(cond: JmpCond, width: Width, dst: bigint, src: bigint): boolean {
  const a = truncate(dst, width);
  const b = truncate(src, width);
  const sa = signed(a, width);
  const sb = signed(b, width);
  switch (cond) {
    case "eq":
      return a === b;
    case "ne":
      return a !== b;
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "lt":
      return a < b;
    case "le":
      return a <= b;
    case "set":
      return (a & b) !== 0n;
    case "sgt":
      return sa > sb;
    case "sge":
      return sa >= sb;
    case "slt":
      return sa < sb;
    case "sle":
      return sa <= sb;
    default:
      return assertNever(cond);
  }
}

/** The value an atomic read-modify-write stores, given the old memory value. */
export function atomicResult(
  op: Exclude<AtomicOp, "cmpxchg">,
  size: MemSize,
  old: bigint,
  src: bigint,
): bigint {
  const bits = size * 8;
  switch (op) {
    case "add":
      return truncate(old + src, bits);
    case "or":
      return truncate(old | src, bits);
    case "and":
      return truncate(old & src, bits);
    case "xor":
      return truncate(old ^ src, bits);
    case "xchg":
      return truncate(src, bits);
    default:
      return assertNever(op);
  }
}
