// The symbolic twin of semantics/alu.ts: the same RFC 9669 operations, op for
// op, over 64-bit bitvector terms. 32-bit forms compute on the low half and
// zero-extend; division by zero gives 0 and modulo by zero keeps dst (as
// guards around SMT-LIB's bvudiv/bvurem, whose zero cases differ); shift
// amounts are masked. A constant divisor or shift folds the guard away, so no
// non-linear term is built where a constant allows.
import {
  assertNever,
  type AluOp,
  type Insn,
  type JmpCond,
  type Operand,
  type Reg,
  type Width,
} from "../isa/index.js";
import { immValue } from "../semantics/alu.js";
import {
  bin,
  bv,
  bvNeg,
  concat,
  eq,
  extract,
  ite,
  not,
  sext,
  sle,
  slt,
  ule,
  ult,
  zext,
} from "./term-store.js";
import { widthOf, type BvBinOp, type Term } from "./term.js";

/** The low `width` bits of a 64-bit term. */
export const low = (t: Term, width: number): Term => extract(width - 1, 0, t);
/** Zero-extends a term of width <= 64 to 64 bits. */
export const widen = (t: Term): Term => zext(64 - widthOf(t), t);
export const immTerm = (imm: number): Term => bv(immValue(imm), 64);

const SIMPLE: Partial<Record<AluOp, BvBinOp>> = {
  add: "bvadd",
  sub: "bvsub",
  mul: "bvmul",
  or: "bvor",
  and: "bvand",
  xor: "bvxor",
};
const SHIFT: Partial<Record<AluOp, BvBinOp>> = { lsh: "bvshl", rsh: "bvlshr", arsh: "bvashr" };

export function aluTerm(op: AluOp, width: Width, dst: Term, src: Term): Term {
  return widen(aluAtWidth(op, low(dst, width), low(src, width)));
}

function aluAtWidth(op: AluOp, a: Term, b: Term): Term {
  const w = widthOf(a);
  const zero = bv(0n, w);
  const simple = SIMPLE[op];
  if (simple) return bin(simple, a, b);
  const shift = SHIFT[op];
  if (shift) return bin(shift, a, bin("bvand", b, bv(BigInt(w - 1), w)));
  const isZero = eq(b, zero);
  switch (op) {
    case "div":
      return ite(isZero, zero, bin("bvudiv", a, b));
    case "sdiv":
      return ite(isZero, zero, bin("bvsdiv", a, b));
    case "mod":
      return ite(isZero, a, bin("bvurem", a, b));
    case "smod":
      return ite(isZero, a, bin("bvsrem", a, b));
    default:
      throw new Error(`internal: alu op ${op} has no rule`);
  }
}

export const movTerm = (width: Width, src: Term): Term => widen(low(src, width));

export const movsxTerm = (width: Width, bits: number, src: Term): Term =>
  widen(low(sext(64 - bits, low(src, bits)), width));

export const negTerm = (width: Width, dst: Term): Term => widen(bvNeg(low(dst, width)));

export function endianTerm(order: "le" | "be" | "swap", bits: number, dst: Term): Term {
  const value = low(dst, bits);
  if (order === "le") return widen(value);
  let swapped = extract(7, 0, value);
  for (let i = 8; i < bits; i += 8) swapped = concat(swapped, extract(i + 7, i, value));
  return widen(swapped);
}

export function jumpTerm(cond: JmpCond, width: Width, dst: Term, src: Term): Term {
  const a = low(dst, width);
  const b = low(src, width);
  switch (cond) {
    case "eq":
      return eq(a, b);
    case "ne":
      return not(eq(a, b));
    case "gt":
      return ult(b, a);
    case "ge":
      return ule(b, a);
    case "lt":
      return ult(a, b);
    case "le":
      return ule(a, b);
    case "set":
      return not(eq(bin("bvand", a, b), bv(0n, width)));
    case "sgt":
      return slt(b, a);
    case "sge":
      return sle(b, a);
    case "slt":
      return slt(a, b);
    case "sle":
      return sle(a, b);
    default:
      return assertNever(cond);
  }
}

/** The value an atomic read-modify-write stores (size-wide terms). */
export function atomicTerm(op: "add" | "or" | "and" | "xor" | "xchg", old: Term, src: Term): Term {
  if (op === "xchg") return src;
  return bin(SIMPLE[op] as BvBinOp, old, src);
}

type ScalarInsn = Extract<Insn, { kind: "alu" | "mov" | "movsx" | "neg" | "endian" }>;

/** The new dst value of a register-only instruction, given how to read registers. */
export function scalarInsnTerm(insn: ScalarInsn, read: (r: Reg) => Term): Term {
  const operand = (o: Operand) => (o.kind === "reg" ? read(o.reg) : immTerm(o.value));
  switch (insn.kind) {
    case "alu":
      return aluTerm(insn.op, insn.width, read(insn.dst), operand(insn.src));
    case "mov":
      return movTerm(insn.width, operand(insn.src));
    case "movsx":
      return movsxTerm(insn.width, insn.bits, read(insn.src));
    case "neg":
      return negTerm(insn.width, read(insn.dst));
    case "endian":
      return endianTerm(insn.order, insn.bits, read(insn.dst));
    default:
      return assertNever(insn);
  }
}
