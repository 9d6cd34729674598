// Operand syntax of the bpf_conformance/uBPF assembler dialect: registers
// `%rN`, numbers (decimal or 0x hex, optionally signed), memory `[%rN+off]`,
// and jump targets (`+N`, `-N` or a label).
import type { Operand, Reg } from "./insn.js";

export class AsmSyntaxError extends Error {}

export function parseReg(text: string): Reg {
  const m = /^%r(\d+)$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n <= 10))
    throw new AsmSyntaxError(`expected a register %r0..%r10, got '${text}'`);
  return n;
}

export function parseBig(text: string): bigint {
  const m = /^([+-]?)(0x[0-9a-f]+|\d+)$/i.exec(text);
  if (!m) throw new AsmSyntaxError(`expected a number, got '${text}'`);
  const v = BigInt(m[2] as string);
  return m[1] === "-" ? -v : v;
}

/** A 32-bit field: accepts signed or unsigned spellings and wraps like the C assembler. */
export const parseImm32 = (text: string): number => Number(BigInt.asIntN(32, parseBig(text)));
export const parseOff16 = (text: string): number => Number(BigInt.asIntN(16, parseBig(text)));

export function parseOperand(text: string): Operand {
  return text.startsWith("%")
    ? { kind: "reg", reg: parseReg(text) }
    : { kind: "imm", value: parseImm32(text) };
}

export function parseMem(text: string): { reg: Reg; off: number } {
  const m = /^\[(%r\d+)\s*(?:([+-])\s*(\w+))?\]$/.exec(text);
  if (!m) throw new AsmSyntaxError(`expected a memory operand [%rN+off], got '${text}'`);
  const off = m[3] === undefined ? 0 : parseOff16(`${m[2] ?? "+"}${m[3]}`);
  return { reg: parseReg(m[1] as string), off };
}

/** Splits "op a, b, c" into operands, keeping "[%r1 + 2]" together. */
export function splitOperands(rest: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of rest) {
    if (ch === "[") depth++;
    if (ch === "]") depth--;
    if ((ch === "," || /\s/.test(ch)) && depth === 0) {
      if (cur !== "") out.push(cur);
      cur = "";
    } else if (!(/\s/.test(ch) && depth > 0)) {
      cur += ch;
    }
  }
  if (cur !== "") out.push(cur);
  return out;
}
