// Mutable machine state of the concrete interpreter, plus the result type.
// Faults are results carrying the pc, never JS exceptions.
import type { Insn, LddwSrc, Operand, PlacedInsn, Reg } from "../isa/index.js";
import { immValue } from "./alu.js";
import type { HelperTable } from "./helpers.js";
import type { Memory, Region, RegionKind } from "./memory.js";

export const STACK_SIZE = 512;
export const MAX_FRAMES = 8;
export const FP = 10;

export type FaultCode =
  | "memory"
  | "bad-jump"
  | "fell-off-end"
  | "unknown-helper"
  | "unknown-kfunc"
  | "helper-fault"
  | "call-depth"
  | "step-limit"
  | "unresolved-lddw";

export type RunResult =
  | { readonly kind: "exit"; readonly r0: bigint; readonly steps: number }
  | {
      readonly kind: "fault";
      readonly code: FaultCode;
      readonly pc: number;
      readonly message: string;
      readonly steps: number;
    };

export interface Frame {
  readonly returnPc: number;
  /** r6..r9 and r10 of the caller */
  readonly saved: readonly bigint[];
  /** set when the frame is a bpf_loop callback's (semantics/bpf-loop.ts) */
  readonly loop?: LoopState;
}

/** A running bpf_loop: the callback's entry slot, its arguments and the current run. */
export interface LoopState {
  readonly entry: number;
  readonly nr: bigint;
  readonly ctx: bigint;
  index: bigint;
}

export interface Machine {
  readonly regs: bigint[];
  pc: number;
  steps: number;
  readonly frames: Frame[];
  readonly stacks: Region[];
  readonly memory: Memory;
  readonly code: readonly (Insn | undefined)[];
  readonly env: RunEnv;
}

export interface RunEnv {
  readonly helpers: HelperTable;
  readonly kfuncs: HelperTable;
  readonly maxSteps: number;
  readonly maxFrames: number;
  /** address for lddw with a pseudo src (maps, BTF vars); functions are the machine's own */
  readonly resolveLddw: (
    src: LddwSrc,
    imm: number,
    nextImm: number,
    memory: Memory,
  ) => bigint | undefined;
}

export interface RunOptions extends Partial<RunEnv> {
  /** input memory: r1 points at it and r2 holds its length */
  readonly input?: Uint8Array;
  readonly inputKind?: RegionKind;
  /** adds further regions (map values, ...) before the program starts */
  readonly setup?: (memory: Memory) => void;
}

/** Slot-indexed code: the second slot of an lddw and invalid slots are undefined. */
export function codeBySlot(insns: readonly PlacedInsn[]): (Insn | undefined)[] {
  const last = insns.at(-1);
  const code: (Insn | undefined)[] = new Array<Insn | undefined>(
    last ? last.pc + (last.insn.kind === "lddw" ? 2 : 1) : 0,
  );
  for (const p of insns) code[p.pc] = p.insn;
  return code;
}

export function fault(m: Machine, code: FaultCode, message: string): RunResult {
  return { kind: "fault", code, pc: m.pc, message: `run insn ${m.pc}: ${message}`, steps: m.steps };
}

export const reg = (m: Machine, r: Reg): bigint => m.regs[r] ?? 0n;
export const operandValue = (m: Machine, o: Operand): bigint =>
  o.kind === "reg" ? reg(m, o.reg) : immValue(o.value);
