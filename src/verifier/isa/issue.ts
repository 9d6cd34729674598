// Decoding problems are data: each carries a code, the slot index (pc) and a
// lowercase message prefixed with the step, so callers can collect them all.

export type DecodeIssueCode =
  | "truncated-slot"
  | "truncated-lddw"
  | "bad-opcode"
  | "bad-register"
  | "readonly-register"
  | "reserved-nonzero"
  | "bad-offset"
  | "bad-imm"
  | "bad-lddw-src"
  | "bad-lddw-second-slot";

export interface DecodeIssue {
  readonly code: DecodeIssueCode;
  readonly pc: number;
  readonly message: string;
}

/** A problem found in one slot before the pc is attached. */
export interface Problem {
  readonly code: DecodeIssueCode;
  readonly detail: string;
}

export const problem = (code: DecodeIssueCode, detail: string): Problem => ({ code, detail });

export function toIssue(p: Problem, pc: number): DecodeIssue {
  return { code: p.code, pc, message: `decode insn ${pc}: ${p.detail}` };
}
