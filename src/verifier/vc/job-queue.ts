// The pending paths of an exploration. Paths run in program order: by the
// call sites of their frames, outermost first, then by their slot's place in
// the reverse postorder of its function. So every path that can still reach
// a join has reached it before the join runs, and paths waiting at the same
// slot, in the same call context and loop iteration, are merged there.
import type { Cfg, RegMask } from "../cfg/index.js";
import { mergeStates } from "./merge.js";
import type { PathState } from "./sym-state.js";
import type { Term } from "./term.js";

export interface Job {
  readonly s: PathState;
  readonly pc: number;
  /** the specification's lemmas at pc were applied before the job was queued */
  readonly cutDone?: boolean;
}

export interface JobSink {
  push(job: Job): void;
}

interface Pending {
  job: Job;
  readonly order: readonly number[];
  readonly context: string;
}

export class JobQueue implements JobSink {
  private readonly pending: Pending[] = [];
  private readonly slotOrder = new Map<number, number>();

  /** `live`: live registers per slot, or null to keep every path apart. */
  constructor(
    cfg: Cfg,
    private readonly live: ReadonlyMap<number, RegMask> | null,
    /** a fresh boolean to choose between merged paths (merge.ts), or none */
    private readonly choice?: () => Term,
  ) {
    for (const fn of cfg.functions)
      for (const b of fn.blocks)
        for (const p of cfg.blocks[b]?.insns ?? []) this.slotOrder.set(p.pc, this.slotOrder.size);
  }

  push(job: Job): void {
    const context = contextOf(job);
    if (this.live !== null)
      for (const p of this.pending) {
        if (p.context !== context) continue;
        const merged = mergeStates(
          p.job.s,
          job.s,
          this.liveAt(job.pc),
          (rp) => this.liveAt(rp),
          this.choice,
        );
        if (merged === null) continue;
        p.job = { s: merged, pc: job.pc };
        return;
      }
    this.pending.push({ job, order: this.orderOf(job), context });
  }

  /** The pending path that comes first in program order. */
  pop(): Job | undefined {
    let best = -1;
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i];
      const b = this.pending[best];
      if (p !== undefined && (b === undefined || before(p.order, b.order))) best = i;
    }
    return best < 0 ? undefined : this.pending.splice(best, 1)[0]?.job;
  }

  private liveAt(pc: number): RegMask {
    return this.live?.get(pc) ?? ~0;
  }

  private orderOf(job: Job): number[] {
    const at = (pc: number) => this.slotOrder.get(pc) ?? Number.MAX_SAFE_INTEGER;
    // a frame's return slot follows its call instruction
    return [...job.s.frames.map((f) => at(f.returnPc - 1)), at(job.pc)];
  }
}

function contextOf(job: Job): string {
  const frames = job.s.frames.map((f) => f.returnPc).join(",");
  const visits = [...job.s.visits].sort((a, b) => a[0] - b[0]).join(";");
  return `${job.pc}|${frames}|${visits}`;
}

/** Lexicographic; a path outside a call comes before one inside it. */
function before(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return a.length < b.length;
}
