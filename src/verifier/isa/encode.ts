// Semantic instructions → raw slots. The inverse of decode for every valid
// encoding: decode(encode(i)) deep-equals i.
import {
  assertNever,
  LDDW_SRCS,
  type AluOp,
  type Insn,
  type JmpCond,
  type MemSize,
  type Operand,
} from "./insn.js";
import {
  ALU_CODE,
  ATOMIC_CODE,
  ATOMIC_FETCH,
  CLASS,
  JMP_CODE,
  MODE,
  SIZE_CODE,
  SRC_K,
  SRC_X,
} from "./opcodes.js";
import { encodeRawProgram, type RawInsn } from "./raw.js";

const ALU_OP_CODE: Record<AluOp, number> = {
  add: ALU_CODE.add,
  sub: ALU_CODE.sub,
  mul: ALU_CODE.mul,
  div: ALU_CODE.div,
  sdiv: ALU_CODE.div,
  or: ALU_CODE.or,
  and: ALU_CODE.and,
  lsh: ALU_CODE.lsh,
  rsh: ALU_CODE.rsh,
  mod: ALU_CODE.mod,
  smod: ALU_CODE.mod,
  xor: ALU_CODE.xor,
  arsh: ALU_CODE.arsh,
};

const COND_CODE: Record<JmpCond, number> = {
  eq: JMP_CODE.jeq,
  gt: JMP_CODE.jgt,
  ge: JMP_CODE.jge,
  set: JMP_CODE.jset,
  ne: JMP_CODE.jne,
  sgt: JMP_CODE.jsgt,
  sge: JMP_CODE.jsge,
  lt: JMP_CODE.jlt,
  le: JMP_CODE.jle,
  slt: JMP_CODE.jslt,
  sle: JMP_CODE.jsle,
};

const slot = (opcode: number, f: Partial<Omit<RawInsn, "opcode">> = {}): RawInsn => ({
  opcode,
  dst: f.dst ?? 0,
  src: f.src ?? 0,
  off: f.off ?? 0,
  imm: f.imm ?? 0,
});

const aluClass = (width: 32 | 64): number => (width === 64 ? CLASS.ALU64 : CLASS.ALU);

function withOperand(opcode: number, dst: number, src: Operand, off = 0): RawInsn {
  return src.kind === "reg"
    ? slot(opcode | SRC_X, { dst, src: src.reg, off })
    : slot(opcode | SRC_K, { dst, off, imm: src.value });
}

const memOp = (cls: number, mode: number, size: MemSize): number => cls | mode | SIZE_CODE[size];

export function encodeInsn(insn: Insn): RawInsn[] {
  switch (insn.kind) {
    case "alu": {
      const signed = insn.op === "sdiv" || insn.op === "smod" ? 1 : 0;
      return [
        withOperand(aluClass(insn.width) | (ALU_OP_CODE[insn.op] << 4), insn.dst, insn.src, signed),
      ];
    }
    case "mov":
      return [withOperand(aluClass(insn.width) | (ALU_CODE.mov << 4), insn.dst, insn.src)];
    case "movsx":
      return [
        slot(aluClass(insn.width) | (ALU_CODE.mov << 4) | SRC_X, {
          dst: insn.dst,
          src: insn.src,
          off: insn.bits,
        }),
      ];
    case "neg":
      return [slot(aluClass(insn.width) | (ALU_CODE.neg << 4), { dst: insn.dst })];
    case "endian": {
      const cls = insn.order === "swap" ? CLASS.ALU64 : CLASS.ALU;
      const srcBit = insn.order === "be" ? SRC_X : SRC_K;
      return [slot(cls | (ALU_CODE.end << 4) | srcBit, { dst: insn.dst, imm: insn.bits })];
    }
    case "load":
      return [slot(memOp(CLASS.LDX, insn.signed ? MODE.MEMSX : MODE.MEM, insn.size), insn)];
    case "store":
      return [slot(memOp(CLASS.STX, MODE.MEM, insn.size), insn)];
    case "store-imm":
      return [slot(memOp(CLASS.ST, MODE.MEM, insn.size), insn)];
    case "atomic": {
      const imm = ATOMIC_CODE[insn.op] | (insn.fetch ? ATOMIC_FETCH : 0);
      return [
        slot(memOp(CLASS.STX, MODE.ATOMIC, insn.size), {
          dst: insn.dst,
          src: insn.src,
          off: insn.off,
          imm,
        }),
      ];
    }
    default:
      return encodeControl(insn);
  }
}

function encodeControl(insn: Insn): RawInsn[] {
  switch (insn.kind) {
    case "jump": {
      const cls = insn.width === 64 ? CLASS.JMP : CLASS.JMP32;
      return [withOperand(cls | (COND_CODE[insn.cond] << 4), insn.dst, insn.src, insn.off)];
    }
    case "goto":
      return insn.long
        ? [slot(CLASS.JMP32, { imm: insn.off })]
        : [slot(CLASS.JMP, { off: insn.off })];
    case "call":
      return [encodeCall(insn.target)];
    case "callx":
      return [slot(CLASS.JMP | (JMP_CODE.call << 4) | SRC_X, { dst: insn.reg })];
    case "exit":
      return [slot(CLASS.JMP | (JMP_CODE.exit << 4))];
    case "lddw": {
      const src = LDDW_SRCS.indexOf(insn.src);
      return [
        slot(memOp(CLASS.LD, MODE.IMM, 8), { dst: insn.dst, src, imm: insn.imm }),
        slot(0, { imm: insn.nextImm }),
      ];
    }
    case "ld-packet": {
      const mode = insn.mode === "abs" ? MODE.ABS : MODE.IND;
      return [slot(memOp(CLASS.LD, mode, insn.size), { src: insn.src, imm: insn.imm })];
    }
    case "alu":
    case "mov":
    case "movsx":
    case "neg":
    case "endian":
    case "load":
    case "store":
    case "store-imm":
    case "atomic":
      return encodeInsn(insn);
    default:
      return assertNever(insn);
  }
}

function encodeCall(target: Extract<Insn, { kind: "call" }>["target"]): RawInsn {
  const op = CLASS.JMP | (JMP_CODE.call << 4);
  switch (target.kind) {
    case "helper":
      return slot(op, { imm: target.id });
    case "local":
      return slot(op, { src: 1, imm: target.off });
    case "kfunc":
      return slot(op, { src: 2, imm: target.btfId, off: target.module });
    default:
      return assertNever(target);
  }
}

export function encodeProgram(insns: readonly Insn[]): Uint8Array {
  return encodeRawProgram(insns.flatMap(encodeInsn));
}
