// ALU instructions RFC 9669 gives a meaning but the kernel verifier refuses
// to load (kernel/bpf/verifier.c, as a privileged loader sees it):
// - a shift by an immediate outside [0, width) ("invalid shift N", in
//   check_alu_op). A shift by a register is loaded whatever the register
//   holds, even a known constant past the width: adjust_scalar_min_max_vals
//   then only forgets the result's bounds, and the hardware masks the amount
//   as our semantics do;
// - a pointer in any operation but add and sub, or in a 32-bit one other
//   than sub, or added to another pointer ("pointer arithmetic with >>=
//   operator prohibited", "32-bit pointer arithmetic prohibited", in
//   adjust_reg_min_max_vals and adjust_ptr_min_max_vals): its result would
//   be a number made from an address. Both checks fail on every path that
//   reaches them.
import type { AluOp, Insn } from "../isa/index.js";
import type { Exec } from "./exec-context.js";
import type { PathState, SymValue } from "./sym-state.js";
import { FALSE } from "./term-store.js";

type AluInsn = Extract<Insn, { kind: "alu" }>;

const SHIFTS: ReadonlySet<AluOp> = new Set(["lsh", "rsh", "arsh"]);

const isPointer = (v: SymValue): boolean =>
  v.kind === "ptr" || v.kind === "map" || v.kind === "func";

/** Why the kernel refuses `insn` on these operands, or undefined when it does not. */
export function pointerArithRefusal(
  insn: AluInsn,
  dst: SymValue,
  src: SymValue,
): string | undefined {
  const dstPtr = isPointer(dst);
  const srcPtr = isPointer(src);
  if (!dstPtr && !srcPtr) return undefined;
  if (dstPtr && srcPtr)
    return insn.op === "sub" ? undefined : `${insn.op} of two pointers (only sub is allowed)`;
  if (insn.width === 32) return insn.op === "sub" ? undefined : `32-bit ${insn.op} on a pointer`;
  if (insn.op === "add" || insn.op === "sub") return undefined;
  return `${insn.op} on a pointer (only add and sub keep it a pointer)`;
}

export function shiftRefusal(insn: AluInsn): string | undefined {
  if (!SHIFTS.has(insn.op) || insn.src.kind !== "imm") return undefined;
  const n = insn.src.value;
  return n < 0 || n >= insn.width
    ? `${insn.op} by the constant ${n}, outside [0, ${insn.width})`
    : undefined;
}

export function checkAluRules(
  x: Exec,
  s: PathState,
  pc: number,
  insn: AluInsn,
  dst: SymValue,
  src: SymValue,
): void {
  const shift = shiftRefusal(insn);
  if (shift !== undefined) x.check(s, "shift-range", pc, FALSE, shift);
  const pointer = pointerArithRefusal(insn, dst, src);
  if (pointer !== undefined) x.check(s, "pointer-arith", pc, FALSE, pointer);
}
