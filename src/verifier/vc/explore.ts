// Symbolic execution over the CFG, one path at a time (forward strongest
// postcondition). A path carries its condition as a list of conjuncts: the
// assume terms of the edges it took and the contracts of the helpers it
// called. Every check on the path becomes "path condition => safe" and checks
// of one kind at one slot are merged (obligation.ts). Conditional jumps fork
// the path (an edge whose assume folds to false is skipped); bpf-to-bpf calls
// are inlined with a fresh stack frame; a path entering a loop head more than
// `unroll` times must be infeasible, which is itself an obligation, so
// bounded unrolling is sound. Pending paths run in program order (reverse
// postorder within each call context), so the paths that reach a join meet
// there and are merged into one (merge.ts) before it runs on; `maxPaths`
// caps what is left.
import type { Cfg } from "../cfg/index.js";
import { branchTarget, liveRegisters, type BlockId } from "../cfg/index.js";
import type { PlacedInsn } from "../isa/index.js";
import { jumpTerm } from "./alu-terms.js";
import { markNotNull, nullRuledOut } from "./null-refine.js";
import { Exec, type ProgramContext } from "./exec-context.js";
import { MAX_ERRNO } from "./helper-contracts.js";
import type { Obligation } from "./obligation.js";
import { arrayVar } from "./sym-helpers.js";
import { addRegion, fork, UNINIT, type PathState, type SymValue } from "./sym-state.js";
import { numeric, stepInsn, use } from "./sym-step.js";
import { readBytes } from "./sym-memory.js";
import { FALSE, and, bv, constArray, extract, not, sle } from "./term-store.js";
import { JobQueue, type Job, type JobSink } from "./job-queue.js";
import { LoopVisits } from "./loop-visits.js";
import { applyCuts } from "./cut.js";
import { BPF_LOOP, bpfLoop, callbackReturn, type ExploreFrom } from "./bpf-loop.js";
import type { ExitRecord } from "./trace.js";

export interface Exploration {
  readonly obligations: readonly Obligation[];
  /** every way out of the program, under the functional model only */
  readonly exits: readonly ExitRecord[];
  readonly paths: number;
  /** true when maxPaths stopped the exploration: the obligations are then incomplete */
  readonly truncated: boolean;
}

export function explore(cfg: Cfg, program: ProgramContext): Exploration {
  const x = new Exec(program);
  const code = new Map<number, PlacedInsn>(
    cfg.blocks.flatMap((b) => b.insns.map((p) => [p.pc, p] as const)),
  );
  const blockOf = new Map<number, BlockId>(
    cfg.blocks.flatMap((b) => b.insns.map((p) => [p.pc, b.id] as const)),
  );
  const loops = new LoopVisits(cfg);
  const joins = program.merge ? joinSlots(cfg) : new Set<number>();
  const live = program.merge ? liveRegisters(cfg) : null;
  const budget = { paths: 0, truncated: false };
  const layout: Layout = { code, blockOf, loops, heads: loops.heads, joins, exploreFrom };
  // Runs every path from one job to its end: the program, or a bpf_loop callback.
  function exploreFrom(run: Exec, first: Job): void {
    const choice = program.functional ? () => run.freshBool("join", first.pc) : undefined;
    const queue = new JobQueue(cfg, live, choice);
    const work: JobSink = { push: (job) => queue.push(cutBeforeJoin(run, job)) };
    work.push(first);
    for (let job = queue.pop(); job !== undefined; job = queue.pop()) {
      if (budget.paths >= program.maxPaths) {
        budget.truncated = true;
        return;
      }
      budget.paths += runPath(run, cfg, layout, job, work) ? 1 : 0;
    }
  }
  exploreFrom(x, { s: initialState(program), pc: cfg.blocks[0]?.start ?? 0 });
  return {
    obligations: x.obligations.list(),
    exits: x.exits,
    paths: budget.paths,
    truncated: budget.truncated,
  };
}

/** First slots of blocks that more than one edge enters: where paths may meet. */
function joinSlots(cfg: Cfg): Set<number> {
  const out = new Set<number>();
  for (const b of cfg.blocks) if ((cfg.in[b.id]?.length ?? 0) > 1) out.add(b.start);
  return out;
}

function initialState(program: ProgramContext): PathState {
  const s: PathState = {
    regs: new Array<SymValue>(11).fill(UNINIT),
    regions: [],
    frames: [],
    path: [],
    visits: new Map(),
    globals: new Map(),
    trace: [],
  };
  const ctx = addRegion(s, {
    tag: "ctx",
    kind: "ctx",
    name: "context",
    size: bv(BigInt(program.ctxSize), 64),
    bytes: arrayVar("ctx"),
    init: undefined,
    writable: false,
  });
  s.regs[1] = { kind: "ptr", region: ctx.id, off: bv(0n, 64), isNull: undefined };
  if (program.priorVerdictAt !== undefined) {
    const ret = readBytes(ctx, bv(BigInt(program.priorVerdictAt), 64), 4);
    s.path.push(and(sle(bv(BigInt(-MAX_ERRNO), 32), ret), sle(ret, bv(0n, 32))));
  }
  s.regs[10] = newStack(s);
  return s;
}

function newStack(s: PathState): SymValue {
  const depth = s.frames.length;
  const tag = `stack${depth}@${s.regions.length}`;
  const stack = addRegion(s, {
    tag,
    kind: "stack",
    name: `stack of frame ${depth}`,
    size: bv(512n, 64),
    bytes: arrayVar(`bytes:${tag}`),
    init: constArray(64, bv(0n, 1)),
    writable: true,
  });
  return { kind: "ptr", region: stack.id, off: bv(512n, 64), isNull: undefined };
}

interface Layout {
  readonly code: ReadonlyMap<number, PlacedInsn>;
  readonly blockOf: ReadonlyMap<number, BlockId>;
  readonly loops: LoopVisits;
  readonly heads: ReadonlySet<number>;
  readonly joins: ReadonlySet<number>;
  readonly exploreFrom: ExploreFrom;
}

/**
 * A path reaching a slot with lemmas states them before it waits to merge:
 * each path's case stays as small as that path, and paths that the lemmas
 * made alike (the same pinned value, the same forgotten loop) merge into one
 * without a choice between values that no longer differ.
 */
function cutBeforeJoin(x: Exec, job: Job): Job {
  const cuts = x.program.functional ? x.program.cuts?.get(job.pc) : undefined;
  if (!cuts || job.cutDone === true) return job;
  applyCuts(x, job.s, job.pc, cuts);
  return { ...job, cutDone: true };
}

/**
 * Runs one path until it ends, forks, or reaches a join (where it waits in
 * the queue for the paths it may merge with); returns true when it ended.
 */
function runPath(x: Exec, cfg: Cfg, layout: Layout, job: Job, work: JobSink): boolean {
  const { code, blockOf, loops, heads, joins, exploreFrom } = layout;
  const s = job.s;
  let pc = job.pc;
  let block = blockOf.get(pc) ?? -1;
  for (;;) {
    const now = blockOf.get(pc) ?? -1;
    if (now !== block) loops.onEdge(s, block, now);
    block = now;
    if (pc !== job.pc && joins.has(pc)) {
      work.push({ s, pc });
      return false;
    }
    const p = code.get(pc);
    if (p === undefined) {
      x.check(s, "unsupported", pc, FALSE, `no instruction at slot ${pc}`);
      return true;
    }
    if (heads.has(pc) && !enterLoop(x, s, pc)) return true;
    const cuts = x.program.functional ? x.program.cuts?.get(pc) : undefined;
    if (cuts && !(pc === job.pc && job.cutDone === true)) applyCuts(x, s, pc, cuts);
    const insn = p.insn;
    switch (insn.kind) {
      case "jump":
        forkJump(x, cfg, loops, s, p, work);
        return false;
      case "goto":
        pc = branchTarget(p) ?? -1;
        continue;
      case "exit": {
        loops.onReturn(s, block);
        const ret = exit(x, s, pc);
        if (ret === undefined) return true;
        pc = ret;
        block = blockOf.get(pc) ?? -1;
        continue;
      }
      case "call":
        if (insn.target.kind === "local") {
          pc = callLocal(x, s, p);
          block = blockOf.get(pc) ?? -1;
          continue;
        }
        if (insn.target.kind === "helper" && insn.target.id === BPF_LOOP) {
          bpfLoop(x, s, pc, exploreFrom, newStack);
          pc += 1;
          continue;
        }
        break;
      default:
        break;
    }
    stepInsn(x, s, pc, insn as Exclude<typeof insn, { kind: "jump" | "goto" | "exit" }>);
    pc += insn.kind === "lddw" ? 2 : 1;
  }
}

function enterLoop(x: Exec, s: PathState, pc: number): boolean {
  const n = (s.visits.get(pc) ?? 0) + 1;
  s.visits.set(pc, n);
  if (n <= x.program.unroll + 1) return true;
  x.check(s, "loop-bound", pc, FALSE, `loop may run more than ${x.program.unroll} iterations`);
  return false;
}

function forkJump(
  x: Exec,
  cfg: Cfg,
  loops: LoopVisits,
  s: PathState,
  p: PlacedInsn,
  work: JobSink,
): void {
  const block = cfg.blocks.find((b) => b.end === p.pc);
  for (const edge of [...(block ? (cfg.out[block.id] ?? []) : [])].reverse()) {
    const a = edge.assume;
    if (a === undefined) continue;
    const dstValue = use(x, s, p.pc, a.dst);
    const dst = numeric(x, s, p.pc, dstValue);
    const src =
      a.src.kind === "reg"
        ? numeric(x, s, p.pc, use(x, s, p.pc, a.src.reg))
        : bv(BigInt.asUintN(64, BigInt(a.src.value)), 64);
    const cond = jumpTerm(a.cond, a.width, dst, src);
    const taken = a.taken ? cond : not(cond);
    if (taken === FALSE) continue;
    const next = fork(s);
    next.path.push(taken);
    const settled = nullRuledOut(a, dstValue);
    if (settled) markNotNull(next, settled);
    if (block) loops.onEdge(next, block.id, edge.to);
    work.push({ s: next, pc: cfg.blocks[edge.to]?.start ?? -1 });
  }
}

const CALLEE_SAVED = [6, 7, 8, 9, 10];

function callLocal(x: Exec, s: PathState, p: PlacedInsn): number {
  if (s.frames.length + 1 >= 8)
    x.check(s, "unsupported", p.pc, FALSE, "call depth exceeds 8 frames");
  s.frames.push({
    returnPc: p.pc + 1,
    saved: CALLEE_SAVED.map((r) => s.regs[r] ?? UNINIT),
    pathAtCall: s.path.length,
  });
  s.regs[10] = newStack(s);
  for (let r = 6; r <= 9; r++) s.regs[r] = UNINIT;
  return branchTarget(p) ?? -1;
}

/** Returns to the caller (its pc) or ends the program (undefined) after the exit checks. */
function exit(x: Exec, s: PathState, pc: number): number | undefined {
  const r0 = use(x, s, pc, 0);
  const frame = s.frames.pop();
  if (frame?.callback) {
    callbackReturn(x, s, pc, numeric(x, s, pc, r0), frame.callback.traceAt);
    return undefined;
  }
  if (frame) {
    CALLEE_SAVED.forEach((r, i) => (s.regs[r] = frame.saved[i] ?? UNINIT));
    for (let r = 1; r <= 5; r++) s.regs[r] = UNINIT;
    return frame.returnPc;
  }
  if (x.program.kind === "lsm") {
    const ok = r0.kind === "scalar" || r0.kind === "uninit";
    const int = extract(31, 0, numeric(x, s, pc, r0));
    const inRange = and(sle(bv(BigInt(-MAX_ERRNO), 32), int), sle(int, bv(0n, 32)));
    x.check(
      s,
      "return-range",
      pc,
      ok ? inRange : FALSE,
      "an LSM program must return 0 or -errno in [-4095, -1]",
    );
  }
  if (x.program.functional)
    x.exits.push({ pc, path: [...s.path], r0: numeric(x, s, pc, r0), trace: [...s.trace] });
  return undefined;
}
