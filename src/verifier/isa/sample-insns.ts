// One instance of every instruction form (each op × width × source kind),
// with varied registers and signed immediates. Tests use it to exercise
// encode/decode round trips and the disassembler against llvm-objdump.
import type { AtomicOp, Insn, JmpCond, LddwSrc, MemSize, Operand } from "./insn.js";
import { ALU_OPS, LDDW_SRCS } from "./insn.js";

const CONDS: readonly JmpCond[] = [
  "eq",
  "gt",
  "ge",
  "set",
  "ne",
  "sgt",
  "sge",
  "lt",
  "le",
  "slt",
  "sle",
];
const ATOMICS: readonly AtomicOp[] = ["add", "or", "and", "xor"];
const SIZES: readonly MemSize[] = [1, 2, 4, 8];
const WIDTHS = [32, 64] as const;

const operands = (i: number): Operand[] => [
  { kind: "reg", reg: (i % 9) + 1 },
  { kind: "imm", value: i % 2 === 0 ? 7 + i : -3 - i },
];

function arithmetic(): Insn[] {
  const out: Insn[] = [];
  WIDTHS.forEach((width) => {
    ALU_OPS.forEach((op, i) =>
      operands(i).forEach((src) => out.push({ kind: "alu", op, width, dst: i % 10, src })),
    );
    operands(3).forEach((src) => out.push({ kind: "mov", width, dst: 4, src }));
    out.push({ kind: "mov", width, dst: 0, src: { kind: "imm", value: -1 } });
    out.push({ kind: "mov", width, dst: 2, src: { kind: "imm", value: 0x7fffffff } });
    out.push({ kind: "neg", width, dst: 5 });
    const bits = width === 64 ? ([8, 16, 32] as const) : ([8, 16] as const);
    bits.forEach((b) => out.push({ kind: "movsx", width, dst: 1, src: 9, bits: b }));
  });
  (["le", "be", "swap"] as const).forEach((order) =>
    ([16, 32, 64] as const).forEach((bits) => out.push({ kind: "endian", order, bits, dst: 3 })),
  );
  return out;
}

function memory(): Insn[] {
  const out: Insn[] = [];
  SIZES.forEach((size, i) => {
    const off = i % 2 === 0 ? -8 * (i + 1) : 16 * i;
    out.push({ kind: "load", size, signed: false, dst: 2, src: 10, off });
    if (size !== 8) out.push({ kind: "load", size, signed: true, dst: 3, src: 1, off });
    out.push({ kind: "store", size, dst: 10, off, src: 6 });
    out.push({ kind: "store-imm", size, dst: 1, off, imm: i % 2 === 0 ? -5 : 0x1234 });
    if (size !== 8) out.push({ kind: "ld-packet", mode: "abs", size, src: 0, imm: 12 });
    if (size !== 8) out.push({ kind: "ld-packet", mode: "ind", size, src: 7, imm: 0 });
  });
  ([4, 8] as const).forEach((size) => {
    ATOMICS.forEach((op) =>
      [false, true].forEach((fetch) =>
        out.push({ kind: "atomic", op, fetch, size, dst: 1, off: -16, src: 2 }),
      ),
    );
    out.push({ kind: "atomic", op: "xchg", fetch: true, size, dst: 10, off: 8, src: 3 });
    out.push({ kind: "atomic", op: "cmpxchg", fetch: true, size, dst: 4, off: 0, src: 5 });
  });
  return out;
}

function control(): Insn[] {
  const out: Insn[] = [];
  WIDTHS.forEach((width) =>
    CONDS.forEach((cond, i) =>
      operands(i).forEach((src) =>
        out.push({ kind: "jump", cond, width, dst: i % 10, src, off: i - 5 }),
      ),
    ),
  );
  out.push({ kind: "goto", off: 3, long: false }, { kind: "goto", off: -2, long: true });
  out.push({ kind: "call", target: { kind: "helper", id: 113 } });
  out.push({ kind: "call", target: { kind: "local", off: -4 } });
  out.push({ kind: "call", target: { kind: "kfunc", btfId: 1234, module: 0 } });
  out.push({ kind: "callx", reg: 2 });
  out.push({ kind: "exit" });
  LDDW_SRCS.forEach((src: LddwSrc, i) =>
    out.push({ kind: "lddw", src, dst: i, imm: -(i + 1), nextImm: i === 0 ? 0x11223344 : 0 }),
  );
  out.push({ kind: "lddw", src: "imm64", dst: 9, imm: 0x55667788, nextImm: -1 });
  out.push({ kind: "lddw", src: "imm64", dst: 1, imm: -1, nextImm: -1 });
  out.push({ kind: "lddw", src: "imm64", dst: 1, imm: -1, nextImm: 0x7fffffff });
  return out;
}

export function sampleInsns(): Insn[] {
  return [...arithmetic(), ...memory(), ...control()];
}
