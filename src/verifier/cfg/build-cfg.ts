// Builds the CFG from decoded instructions: leaders are the entry, jump and
// call targets and the slots after jumps and exits. Bad targets become issues
// (data) and the rest of the graph is still built, so one pass reports all.
import { assertNever, type PlacedInsn } from "../isa/index.js";
import { cfgIssue, type Block, type BlockId, type Cfg, type CfgIssue, type Edge } from "./cfg.js";
import { buildFunctions } from "./functions.js";

type Code = ReadonlyMap<number, PlacedInsn>;

export function buildCfg(insns: readonly PlacedInsn[]): Cfg {
  const code: Code = new Map(insns.map((p) => [p.pc, p]));
  const issues: CfgIssue[] = [];
  const leaders = findLeaders(insns, code, issues);
  const blocks = splitBlocks(insns, leaders);
  const blockAt = new Map(blocks.map((b) => [b.start, b.id]));
  const edges = blocks.flatMap((b) => blockEdges(b, blockAt, code, issues));
  const out: Edge[][] = blocks.map(() => []);
  const inc: Edge[][] = blocks.map(() => []);
  for (const e of edges) {
    out[e.from]?.push(e);
    inc[e.to]?.push(e);
  }
  const partial = { blocks, edges, out, in: inc, blockAt, functions: [], issues };
  const functions = buildFunctions(partial, callTargets(insns, code), issues);
  return { ...partial, functions, issues };
}

/** Slot an instruction transfers to (jump/goto target or local call target). */
export function branchTarget(p: PlacedInsn): number | undefined {
  const i = p.insn;
  if (i.kind === "jump" || i.kind === "goto") return p.pc + 1 + i.off;
  if (i.kind === "call" && i.target.kind === "local") return p.pc + 1 + i.target.off;
  return undefined;
}

const nextPc = (p: PlacedInsn): number => p.pc + (p.insn.kind === "lddw" ? 2 : 1);

function findLeaders(insns: readonly PlacedInsn[], code: Code, issues: CfgIssue[]): Set<number> {
  const leaders = new Set<number>();
  if (insns[0]) leaders.add(insns[0].pc);
  for (const p of insns) {
    const target = branchTarget(p);
    if (target !== undefined) {
      if (code.has(target)) leaders.add(target);
      else {
        const code = p.insn.kind === "call" ? "bad-call" : "bad-jump";
        issues.push(cfgIssue(code, p.pc, `target ${target} is not an instruction`));
      }
    }
    if (endsBlock(p) && code.has(nextPc(p))) leaders.add(nextPc(p));
  }
  return leaders;
}

function endsBlock(p: PlacedInsn): boolean {
  const k = p.insn.kind;
  return k === "jump" || k === "goto" || k === "exit";
}

function splitBlocks(insns: readonly PlacedInsn[], leaders: ReadonlySet<number>): Block[] {
  const blocks: Block[] = [];
  let current: PlacedInsn[] = [];
  const flush = () => {
    const first = current[0];
    const last = current.at(-1);
    if (first && last)
      blocks.push({ id: blocks.length, start: first.pc, end: last.pc, insns: current });
    current = [];
  };
  for (const p of insns) {
    if (leaders.has(p.pc)) flush();
    current.push(p);
  }
  flush();
  return blocks;
}

function blockEdges(
  b: Block,
  blockAt: ReadonlyMap<number, BlockId>,
  code: Code,
  issues: CfgIssue[],
): Edge[] {
  const last = b.insns.at(-1) as PlacedInsn;
  const to = (pc: number) => blockAt.get(pc);
  const edge = (target: BlockId | undefined, assume: Edge["assume"]): Edge[] =>
    target === undefined ? [] : [{ from: b.id, to: target, assume }];
  const fall = (): Edge[] => {
    if (code.has(nextPc(last))) return edge(to(nextPc(last)), undefined);
    issues.push(cfgIssue("fell-off-end", last.pc, "control falls past the last instruction"));
    return [];
  };
  const insn = last.insn;
  switch (insn.kind) {
    case "exit":
      return [];
    case "goto":
      return edge(to(branchTarget(last) ?? -1), undefined);
    case "jump": {
      const { cond, width, dst, src } = insn;
      const taken = edge(to(branchTarget(last) ?? -1), { cond, width, dst, src, taken: true });
      const fallThrough = fall().map((e) => ({
        ...e,
        assume: { cond, width, dst, src, taken: false },
      }));
      return [...taken, ...fallThrough];
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
    case "call":
    case "callx":
    case "lddw":
    case "ld-packet":
      return fall();
    default:
      return assertNever(insn);
  }
}

/** Entries of functions: targets of local calls and of lddw src=func (callbacks). */
function callTargets(insns: readonly PlacedInsn[], code: Code): number[] {
  const targets = new Set<number>();
  for (const p of insns) {
    const t = branchTarget(p) ?? addressTaken(p);
    if ((p.insn.kind === "call" || p.insn.kind === "lddw") && t !== undefined && code.has(t))
      targets.add(t);
  }
  return [...targets].sort((a, b) => a - b);
}

/** The function an lddw src=func takes the address of (e.g. a bpf_loop callback). */
export function addressTaken(p: PlacedInsn): number | undefined {
  return p.insn.kind === "lddw" && p.insn.src === "func" ? p.pc + 1 + p.insn.imm : undefined;
}
