// Shared field checks for the per-class decoders: RFC 9669 requires every
// field an instruction does not use to be zero.
import type { Insn } from "./insn.js";
import { problem, type Problem } from "./issue.js";
import type { RawInsn } from "./raw.js";

export type SlotResult = { readonly insn: Insn } | { readonly problem: Problem };

export const ok = (insn: Insn): SlotResult => ({ insn });
export const fail = (p: Problem): SlotResult => ({ problem: p });

type Field = "dst" | "src" | "off" | "imm";

/** Fails on the first listed field that is not zero. */
export function requireZero(raw: RawInsn, ...fields: Field[]): Problem | undefined {
  for (const f of fields) {
    if (raw[f] !== 0) {
      return problem(
        "reserved-nonzero",
        `opcode 0x${hex2(raw.opcode)} requires ${f} = 0, got ${raw[f]}`,
      );
    }
  }
  return undefined;
}

export function badOpcode(raw: RawInsn): SlotResult {
  return fail(problem("bad-opcode", `unknown opcode 0x${hex2(raw.opcode)}`));
}

export const hex2 = (n: number): string => n.toString(16).padStart(2, "0");

/** Returns the result unless a zero-field check failed first. */
export function unless(p: Problem | undefined, make: () => SlotResult): SlotResult {
  return p === undefined ? make() : fail(p);
}
