// Renders instructions in the syntax of `llvm-objdump-19 -d` (LLVM's BPF
// instruction printer): `r1 = *(u64 *)(r10 - 0x8)`, `if w1 != 0x0 goto +0x4`.
// Branch-target annotations (`<sym+0x..>`) need symbols and are left out.
// 32-bit atomics use LLVM's alu32 spelling (`w2 = atomic_fetch_add(...)`),
// which plain `-d` cannot decode (it prints `<unknown>` for most of them).
import {
  assertNever,
  lddwValue,
  LDDW_SRCS,
  type AluOp,
  type Insn,
  type JmpCond,
  type MemSize,
  type Width,
} from "./insn.js";

const ALU_SYM: Record<AluOp, string> = {
  add: "+=",
  sub: "-=",
  mul: "*=",
  div: "/=",
  sdiv: "s/=",
  or: "|=",
  and: "&=",
  lsh: "<<=",
  rsh: ">>=",
  mod: "%=",
  smod: "s%=",
  xor: "^=",
  arsh: "s>>=",
};

const COND_SYM: Record<JmpCond, string> = {
  eq: "==",
  ne: "!=",
  gt: ">",
  ge: ">=",
  lt: "<",
  le: "<=",
  sgt: "s>",
  sge: "s>=",
  slt: "s<",
  sle: "s<=",
  set: "&",
};

const LOCK_SYM = { add: "+=", or: "|=", and: "&=", xor: "^=" } as const;

/** Signed hex as LLVM prints immediates: 0x10, -0x8. */
export const hex = (v: number | bigint): string =>
  v < 0 ? `-0x${(-BigInt(v)).toString(16)}` : `0x${v.toString(16)}`;
/** Relative targets always carry a sign: +0x4, -0x2, +0x0. */
const rel = (v: number): string => (v < 0 ? hex(v) : `+${hex(v)}`);
const r = (n: number, width: Width = 64): string => `${width === 64 ? "r" : "w"}${n}`;
const ty = (size: MemSize, signed = false): string => `${signed ? "s" : "u"}${size * 8}`;
const addr = (base: number, off: number): string =>
  `r${base} ${off < 0 ? "-" : "+"} ${hex(Math.abs(off))}`;

export function disasm(insn: Insn): string {
  switch (insn.kind) {
    case "alu":
    case "mov": {
      const src = insn.src.kind === "reg" ? r(insn.src.reg, insn.width) : hex(insn.src.value);
      const sym = insn.kind === "mov" ? "=" : ALU_SYM[insn.op];
      return `${r(insn.dst, insn.width)} ${sym} ${src}`;
    }
    case "movsx":
      return `${r(insn.dst, insn.width)} = (s${insn.bits})${r(insn.src, insn.width)}`;
    case "neg":
      return `${r(insn.dst, insn.width)} = -${r(insn.dst, insn.width)}`;
    case "endian":
      return `r${insn.dst} = ${insn.order === "swap" ? "bswap" : insn.order}${insn.bits} r${insn.dst}`;
    case "load":
      return `r${insn.dst} = *(${ty(insn.size, insn.signed)} *)(${addr(insn.src, insn.off)})`;
    case "store":
      return `*(${ty(insn.size)} *)(${addr(insn.dst, insn.off)}) = r${insn.src}`;
    case "store-imm":
      return `*(${ty(insn.size)} *)(${addr(insn.dst, insn.off)}) = ${hex(insn.imm)}`;
    case "atomic":
      return disasmAtomic(insn);
    default:
      return disasmControl(insn);
  }
}

function disasmAtomic(insn: Extract<Insn, { kind: "atomic" }>): string {
  const w: Width = insn.size === 8 ? 64 : 32;
  const src = r(insn.src, w);
  const at = addr(insn.dst, insn.off);
  switch (insn.op) {
    case "xchg":
      return `${src} = xchg${w === 64 ? "" : "32"}_${w}(${at}, ${src})`;
    case "cmpxchg":
      return `${r(0, w)} = cmpxchg${w === 64 ? "" : "32"}_${w}(${at}, ${r(0, w)}, ${src})`;
    default:
      return insn.fetch
        ? `${src} = atomic_fetch_${insn.op}((${ty(insn.size)} *)(${at}), ${src})`
        : `lock *(${ty(insn.size)} *)(${at}) ${LOCK_SYM[insn.op]} ${src}`;
  }
}

function disasmControl(insn: Insn): string {
  switch (insn.kind) {
    case "jump": {
      const src = insn.src.kind === "reg" ? r(insn.src.reg, insn.width) : hex(insn.src.value);
      return `if ${r(insn.dst, insn.width)} ${COND_SYM[insn.cond]} ${src} goto ${rel(insn.off)}`;
    }
    case "goto":
      return `${insn.long ? "gotol" : "goto"} ${rel(insn.off)}`;
    case "call":
      return insn.target.kind === "helper"
        ? `call ${hex(insn.target.id)}`
        : insn.target.kind === "local"
          ? `call ${hex(insn.target.off)}`
          : `call ${hex(insn.target.btfId)}`;
    case "callx":
      return `callx r${insn.reg}`;
    case "exit":
      return "exit";
    case "lddw":
      return insn.src === "imm64"
        ? `r${insn.dst} = ${hex(BigInt.asIntN(64, lddwValue(insn)))} ll`
        : `ld_pseudo\tr${insn.dst}, ${hex(LDDW_SRCS.indexOf(insn.src))}, 0x${(insn.imm >>> 0).toString(16)}`;
    case "ld-packet":
      return `r0 = *(${ty(insn.size)} *)skb[${insn.mode === "abs" ? hex(insn.imm) : `r${insn.src}`}]`;
    case "alu":
    case "mov":
    case "movsx":
    case "neg":
    case "endian":
    case "load":
    case "store":
    case "store-imm":
    case "atomic":
      return disasm(insn);
    default:
      return assertNever(insn);
  }
}
