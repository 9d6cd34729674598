// The control-flow graph of one program section: basic blocks over slot
// indices, intraprocedural edges (a conditional jump yields two edges whose
// `assume` carries the condition and its negation, as prevail's Assume
// instructions do), and the functions reached through bpf-to-bpf calls.
import type { JmpCond, Operand, PlacedInsn, Reg, Width } from "../isa/index.js";

export type BlockId = number;

export interface Block {
  readonly id: BlockId;
  /** slot index of the first instruction */
  readonly start: number;
  /** slot index of the last instruction */
  readonly end: number;
  readonly insns: readonly PlacedInsn[];
}

/** The condition of a conditional jump; `taken` false means its negation holds. */
export interface Assume {
  readonly cond: JmpCond;
  readonly width: Width;
  readonly dst: Reg;
  readonly src: Operand;
  readonly taken: boolean;
}

export interface Edge {
  readonly from: BlockId;
  readonly to: BlockId;
  readonly assume: Assume | undefined;
}

/** A bpf-to-bpf call site: the caller block and the callee's entry block. */
export interface CallSite {
  readonly pc: number;
  readonly block: BlockId;
  readonly callee: BlockId;
}

export interface Func {
  readonly entry: BlockId;
  /** blocks reachable from the entry without following calls, in reverse postorder */
  readonly blocks: readonly BlockId[];
  readonly calls: readonly CallSite[];
}

export type CfgIssueCode =
  "bad-jump" | "bad-call" | "fell-off-end" | "unreachable" | "shared-block" | "recursion";

export interface CfgIssue {
  readonly code: CfgIssueCode;
  readonly pc: number;
  readonly message: string;
}

export interface Cfg {
  readonly blocks: readonly Block[];
  readonly edges: readonly Edge[];
  /** outgoing edges per block */
  readonly out: readonly (readonly Edge[])[];
  /** incoming edges per block */
  readonly in: readonly (readonly Edge[])[];
  /** the block starting at each leader slot */
  readonly blockAt: ReadonlyMap<number, BlockId>;
  /** functions[0] is the program entry; the others are call targets, by entry slot */
  readonly functions: readonly Func[];
  readonly issues: readonly CfgIssue[];
}

export const cfgIssue = (code: CfgIssueCode, pc: number, detail: string): CfgIssue => ({
  code,
  pc,
  message: `build cfg at insn ${pc}: ${detail}`,
});

export const successors = (cfg: Cfg, b: BlockId): BlockId[] => (cfg.out[b] ?? []).map((e) => e.to);
export const predecessors = (cfg: Cfg, b: BlockId): BlockId[] =>
  (cfg.in[b] ?? []).map((e) => e.from);
