// Random straight-line register programs for the differential tests (shared
// by vc/ and smt/ tests): every ALU operator, both widths, register and
// immediate operands biased towards edge values, movsx, neg and byte swaps.
import type { AluOp, Insn, Operand, Width } from "../isa/index.js";
import { ALU_OPS } from "../isa/index.js";

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPS: readonly AluOp[] = ALU_OPS;
const EDGES: readonly bigint[] = [
  0n,
  1n,
  2n,
  7n,
  31n,
  32n,
  63n,
  64n,
  0x7fn,
  0x80n,
  0xffn,
  0x7fff_ffffn,
  0x8000_0000n,
  0xffff_ffffn,
  1n << 63n,
  (1n << 64n) - 1n,
];
const IMMS: readonly number[] = [
  0, 1, -1, 2, 3, 8, 31, 32, 63, 64, 0x7fffffff, -0x80000000, 0x1234, -7,
];

const pick = <T>(next: () => number, xs: readonly T[]): T =>
  xs[Math.floor(next() * xs.length)] as T;
const reg = (next: () => number): number => Math.floor(next() * 10);

function randomValue(next: () => number): bigint {
  if (next() < 0.4) return pick(next, EDGES);
  const hi = BigInt(Math.floor(next() * 2 ** 32));
  return (hi << 32n) | BigInt(Math.floor(next() * 2 ** 32));
}

export const randomRegs = (next: () => number): bigint[] =>
  Array.from({ length: 10 }, () => randomValue(next));

function operand(next: () => number): Operand {
  if (next() < 0.5) return { kind: "reg", reg: reg(next) };
  const imm = next() < 0.6 ? pick(next, IMMS) : Math.floor(next() * 2 ** 32) | 0;
  return { kind: "imm", value: imm };
}

function randomInsn(next: () => number): Insn {
  const width: Width = next() < 0.5 ? 32 : 64;
  const dst = reg(next);
  const r = next();
  if (r < 0.7) return { kind: "alu", op: pick(next, OPS), width, dst, src: operand(next) };
  if (r < 0.8) return { kind: "mov", width, dst, src: operand(next) };
  if (r < 0.87) {
    const bits = pick(next, [8, 16, 32] as const);
    return { kind: "movsx", width: bits === 32 ? 64 : width, dst, src: reg(next), bits };
  }
  if (r < 0.93) return { kind: "neg", width, dst };
  const order = pick(next, ["le", "be", "swap"] as const);
  return { kind: "endian", order, bits: pick(next, [16, 32, 64] as const), dst };
}

export const randomProgram = (next: () => number, length: number): Insn[] =>
  Array.from({ length }, () => randomInsn(next));
