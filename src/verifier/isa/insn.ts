// The semantic instruction union. Every consumer (interpreter, disassembler,
// symbolic step) switches on `kind`; encodings live only in decode/encode.
// Jump and local-call targets are slot offsets relative to the next slot.

/** A register number 0..10 (r10 is the read-only frame pointer). */
export type Reg = number;
export type Width = 32 | 64;
export type MemSize = 1 | 2 | 4 | 8;

export type Operand = { readonly kind: "reg"; readonly reg: Reg } | ImmOperand;
/** imm is the raw signed 32-bit field; widening depends on the instruction. */
export interface ImmOperand {
  readonly kind: "imm";
  readonly value: number;
}

/** Every ALU operation, in RFC 9669's order; sdiv and smod are the ISA v4 signed forms. */
export const ALU_OPS = [
  "add",
  "sub",
  "mul",
  "div",
  "sdiv",
  "or",
  "and",
  "lsh",
  "rsh",
  "mod",
  "smod",
  "xor",
  "arsh",
] as const;

export type AluOp = (typeof ALU_OPS)[number];

export type JmpCond =
  "eq" | "gt" | "ge" | "set" | "ne" | "sgt" | "sge" | "lt" | "le" | "slt" | "sle";

export type AtomicOp = "add" | "or" | "and" | "xor" | "xchg" | "cmpxchg";

/** src field of lddw (RFC 9669 section 5.4): how imm/next_imm are interpreted. */
export type LddwSrc =
  "imm64" | "map-fd" | "map-value-fd" | "var-btf" | "func" | "map-idx" | "map-value-idx";

export type CallTarget =
  | { readonly kind: "helper"; readonly id: number }
  | { readonly kind: "local"; readonly off: number }
  | { readonly kind: "kfunc"; readonly btfId: number; readonly module: number };

export type Insn =
  | {
      readonly kind: "alu";
      readonly op: AluOp;
      readonly width: Width;
      readonly dst: Reg;
      readonly src: Operand;
    }
  | { readonly kind: "mov"; readonly width: Width; readonly dst: Reg; readonly src: Operand }
  | {
      readonly kind: "movsx";
      readonly width: Width;
      readonly dst: Reg;
      readonly src: Reg;
      readonly bits: 8 | 16 | 32;
    }
  | { readonly kind: "neg"; readonly width: Width; readonly dst: Reg }
  | {
      readonly kind: "endian";
      readonly order: "le" | "be" | "swap";
      readonly bits: 16 | 32 | 64;
      readonly dst: Reg;
    }
  | {
      readonly kind: "load";
      readonly size: MemSize;
      readonly signed: boolean;
      readonly dst: Reg;
      readonly src: Reg;
      readonly off: number;
    }
  | {
      readonly kind: "store";
      readonly size: MemSize;
      readonly dst: Reg;
      readonly off: number;
      readonly src: Reg;
    }
  | {
      readonly kind: "store-imm";
      readonly size: MemSize;
      readonly dst: Reg;
      readonly off: number;
      readonly imm: number;
    }
  | {
      readonly kind: "atomic";
      readonly op: AtomicOp;
      readonly fetch: boolean;
      readonly size: 4 | 8;
      readonly dst: Reg;
      readonly off: number;
      readonly src: Reg;
    }
  | {
      readonly kind: "jump";
      readonly cond: JmpCond;
      readonly width: Width;
      readonly dst: Reg;
      readonly src: Operand;
      readonly off: number;
    }
  | { readonly kind: "goto"; readonly off: number; readonly long: boolean }
  | { readonly kind: "call"; readonly target: CallTarget }
  | { readonly kind: "callx"; readonly reg: Reg }
  | { readonly kind: "exit" }
  | {
      readonly kind: "lddw";
      readonly src: LddwSrc;
      readonly dst: Reg;
      readonly imm: number;
      readonly nextImm: number;
    }
  | {
      readonly kind: "ld-packet";
      readonly mode: "abs" | "ind";
      readonly size: 1 | 2 | 4;
      readonly src: Reg;
      readonly imm: number;
    };

export type InsnKind = Insn["kind"];

/** An instruction placed at its slot index in the program. */
export interface PlacedInsn {
  readonly pc: number;
  readonly insn: Insn;
}

export const LDDW_SRCS: readonly LddwSrc[] = [
  "imm64",
  "map-fd",
  "map-value-fd",
  "var-btf",
  "func",
  "map-idx",
  "map-value-idx",
];

export function slotCount(insn: Insn): 1 | 2 {
  return insn.kind === "lddw" ? 2 : 1;
}

/** The 64-bit value of an imm64 lddw, as an unsigned bigint. */
export function lddwValue(insn: { readonly imm: number; readonly nextImm: number }): bigint {
  return (BigInt(insn.nextImm >>> 0) << 32n) | BigInt(insn.imm >>> 0);
}

export function assertNever(x: never): never {
  throw new Error(`internal: unexpected variant ${JSON.stringify(x)}`);
}
