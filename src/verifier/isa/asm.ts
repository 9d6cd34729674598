// Assembler for the bpf_conformance test-vector dialect (uBPF syntax):
// `mov32 %r0, 1`, `ldxh %r0, [%r1+2]`, `jeq %r1, 3, label`, `lock fetch add
// [%r10-8], %r1`, `call local f`; `lddw %r2, func f` loads the address of
// function f (BPF_PSEUDO_FUNC), which the dialect lacks. Two passes: place labels, then build Insns.
// Errors are returned as data with their line numbers.
import {
  AsmSyntaxError,
  parseBig,
  parseImm32,
  parseMem,
  parseOperand,
  parseReg,
  splitOperands,
} from "./asm-operands.js";
import type { AluOp, AtomicOp, Insn, JmpCond, MemSize, Width } from "./insn.js";
import { ALU_OPS } from "./insn.js";

export interface AsmError {
  readonly line: number;
  readonly message: string;
}
export type AsmResult =
  | { readonly ok: true; readonly insns: Insn[] }
  | { readonly ok: false; readonly errors: AsmError[] };

interface Line {
  readonly line: number;
  readonly mnemonic: string;
  readonly operands: string[];
  readonly pc: number;
}

const ALU: ReadonlySet<string> = new Set(ALU_OPS);
const JMP: ReadonlySet<string> = new Set([
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
]);
const SIZES: Readonly<Record<string, MemSize>> = { b: 1, h: 2, w: 4, dw: 8 };

export function assemble(source: string): AsmResult {
  const errors: AsmError[] = [];
  const { lines, labels } = placeLines(source, errors);
  const insns: Insn[] = [];
  for (const l of lines) {
    try {
      insns.push(buildInsn(l, labels));
    } catch (e) {
      if (!(e instanceof AsmSyntaxError)) throw e;
      errors.push({ line: l.line, message: `assemble line ${l.line}: ${e.message}` });
    }
  }
  return errors.length === 0 ? { ok: true, insns } : { ok: false, errors };
}

function placeLines(source: string, errors: AsmError[]) {
  const lines: Line[] = [];
  const labels = new Map<string, number>();
  let pc = 0;
  source.split("\n").forEach((rawLine, i) => {
    const text = (rawLine.split("#")[0] ?? "").trim();
    if (text === "") return;
    const label = /^([A-Za-z_.][\w.]*):$/.exec(text);
    if (label) {
      if (labels.has(label[1] as string))
        errors.push({
          line: i + 1,
          message: `assemble line ${i + 1}: duplicate label ${label[1]}`,
        });
      labels.set(label[1] as string, pc);
      return;
    }
    const [mnemonic = "", ...operands] = splitOperands(text);
    // The dialect lets `exit` name the first exit instruction as a jump target.
    if (mnemonic === "exit" && !labels.has("exit")) labels.set("exit", pc);
    lines.push({ line: i + 1, mnemonic, operands, pc });
    pc += mnemonic === "lddw" ? 2 : 1;
  });
  return { lines, labels };
}

function arity(l: Line, n: number): string[] {
  if (l.operands.length !== n)
    throw new AsmSyntaxError(`${l.mnemonic} takes ${n} operands, got ${l.operands.length}`);
  return l.operands;
}

function target(text: string, l: Line, labels: ReadonlyMap<string, number>): number {
  if (/^[+-]/.test(text)) return Number(parseBig(text));
  const at = labels.get(text);
  if (at === undefined) throw new AsmSyntaxError(`unknown label '${text}'`);
  return at - l.pc - 1;
}

function buildInsn(l: Line, labels: ReadonlyMap<string, number>): Insn {
  const m = l.mnemonic;
  const wide = /^(\w+?)(32)?$/.exec(m);
  const base = wide?.[1] ?? m;
  const width: Width = wide?.[2] === "32" ? 32 : 64;
  if (m === "exit") {
    arity(l, 0);
    return { kind: "exit" };
  }
  if (m === "lddw" && l.operands[1] === "func") {
    const [dst, , fn] = arity(l, 3) as [string, string, string];
    return {
      kind: "lddw",
      src: "func",
      dst: parseReg(dst),
      imm: target(fn, l, labels),
      nextImm: 0,
    };
  }
  if (m === "lddw") return buildLddw(arity(l, 2));
  if (m === "lock") return buildAtomic(l);
  if (m === "call") return buildCall(l, labels);
  if (m === "ja" || m === "ja32")
    return { kind: "goto", off: target(arity(l, 1)[0] as string, l, labels), long: m === "ja32" };
  if (base === "mov" || base === "neg" || ALU.has(base)) return buildAlu(l, base, width);
  if (base.startsWith("j") && JMP.has(base.slice(1))) {
    const [dst, src, to] = arity(l, 3) as [string, string, string];
    return {
      kind: "jump",
      cond: base.slice(1) as JmpCond,
      width,
      dst: parseReg(dst),
      src: parseOperand(src),
      off: target(to, l, labels),
    };
  }
  return buildOther(l);
}

function buildAlu(l: Line, base: string, width: Width): Insn {
  if (base === "neg") return { kind: "neg", width, dst: parseReg(arity(l, 1)[0] as string) };
  const [dst, src] = arity(l, 2) as [string, string];
  if (base === "mov") return { kind: "mov", width, dst: parseReg(dst), src: parseOperand(src) };
  return { kind: "alu", op: base as AluOp, width, dst: parseReg(dst), src: parseOperand(src) };
}

function buildOther(l: Line): Insn {
  const m = l.mnemonic;
  const movsx = /^movsx(8|16|32)(32|64)$/.exec(m);
  if (movsx) {
    const [dst, src] = arity(l, 2) as [string, string];
    const bits = Number(movsx[1]) as 8 | 16 | 32;
    return {
      kind: "movsx",
      width: Number(movsx[2]) as Width,
      dst: parseReg(dst),
      src: parseReg(src),
      bits,
    };
  }
  const end = /^(le|be|swap|bswap)(16|32|64)$/.exec(m);
  if (end) {
    const bits = Number(end[2]) as 16 | 32 | 64;
    const order = end[1] === "le" || end[1] === "be" ? end[1] : "swap";
    return {
      kind: "endian",
      order,
      bits,
      dst: parseReg(arity(l, 1)[0] as string),
    };
  }
  const mem = /^(ldx|ldxs|stx|st)(b|h|w|dw)$/.exec(m);
  if (mem) return buildMem(l, mem[1] as string, SIZES[mem[2] as string] as MemSize);
  throw new AsmSyntaxError(`unknown mnemonic '${m}'`);
}

function buildMem(l: Line, form: string, size: MemSize): Insn {
  const [a, b] = arity(l, 2) as [string, string];
  if (form === "ldx" || form === "ldxs") {
    const { reg, off } = parseMem(b);
    return { kind: "load", size, signed: form === "ldxs", dst: parseReg(a), src: reg, off };
  }
  const { reg, off } = parseMem(a);
  return form === "stx"
    ? { kind: "store", size, dst: reg, off, src: parseReg(b) }
    : { kind: "store-imm", size, dst: reg, off, imm: parseImm32(b) };
}

function buildLddw([dst, value]: string[]): Insn {
  const v = BigInt.asUintN(64, parseBig(value as string));
  const imm = Number(BigInt.asIntN(32, v));
  const nextImm = Number(BigInt.asIntN(32, v >> 32n));
  return { kind: "lddw", src: "imm64", dst: parseReg(dst as string), imm, nextImm };
}

function buildAtomic(l: Line): Insn {
  const ops = l.operands[0] === "fetch" ? l.operands.slice(1) : l.operands;
  const [name = "", memText = "", srcText = ""] = ops;
  if (ops.length !== 3) throw new AsmSyntaxError("lock takes [fetch] op [%rN+off], %rM");
  const op = /^(add|or|and|xor|xchg|cmpxchg)(32)?$/.exec(name);
  if (!op) throw new AsmSyntaxError(`unknown atomic operation '${name}'`);
  const kind = op[1] as AtomicOp;
  const fetch = l.operands[0] === "fetch" || kind === "xchg" || kind === "cmpxchg";
  const { reg, off } = parseMem(memText);
  return {
    kind: "atomic",
    op: kind,
    fetch,
    size: op[2] ? 4 : 8,
    dst: reg,
    off,
    src: parseReg(srcText),
  };
}

function buildCall(l: Line, labels: ReadonlyMap<string, number>): Insn {
  const [a = "", b] = l.operands;
  if (l.operands.length === 1 && a.startsWith("%")) return { kind: "callx", reg: parseReg(a) };
  if (l.operands.length === 1)
    return { kind: "call", target: { kind: "helper", id: parseImm32(a) } };
  const what = arity(l, 2)[1] as string;
  if (a === "local")
    return { kind: "call", target: { kind: "local", off: target(what, l, labels) } };
  if (a === "helper") return { kind: "call", target: { kind: "helper", id: parseImm32(what) } };
  if (a === "runtime")
    return { kind: "call", target: { kind: "kfunc", btfId: parseImm32(what), module: 0 } };
  throw new AsmSyntaxError(`unknown call mode '${a}' (${String(b)})`);
}
