// Interleaved overhead measurement: every round runs every workload under
// every condition in turn, so drift on a noisy machine hits all conditions of
// a round alike; each ratio is the median of per-round ratios against the
// first condition (the baseline). The kernel's own cost per program run comes
// from bpf_stats (run_time_ns / run_cnt), summed over the condition's programs.
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { enableRunTimeStats } from "../kernel/index.js";
import { pairedRatio, summarize, type Summary } from "./stats.js";
import { runWorkload, workloadName, type Workload } from "./workload.js";

/** bpf_stats of one program, cumulative since it was loaded. */
export interface ProgramStats {
  readonly program: string;
  readonly timeNs: bigint;
  readonly runs: bigint;
}

/** What one program cost per workload operation, from bpf_stats. */
export interface ProgramCost {
  readonly program: string;
  readonly runsPerOp: number;
  readonly nsPerRun: number;
  readonly nsPerOp: number;
}

export interface OverheadRow {
  readonly workload: string;
  /** Operations per workload run. */
  readonly iterations: number;
  readonly condition: string;
  readonly nsPerOp: Summary;
  /** Against the baseline of the same rounds; null for the baseline itself. */
  readonly ratio: Summary | null;
  /**
   * The programs that ran while the workload did, costliest first. The
   * counts include the workload process's own start (its exec, the loader's
   * opens and mmaps): a share of one per run, small beside the iterations.
   */
  readonly programs: readonly ProgramCost[];
  /** bpf_stats time of all the condition's programs per operation, or null without programs. */
  readonly bpfNsPerOp: number | null;
}

/** What is in force while one workload runs. */
export interface Active {
  /** bpf_stats of each program in force; none for the baseline. */
  stats(): readonly ProgramStats[];
  /** Ends the condition (detaches what enter() attached). */
  exit(): void;
}

export interface Condition {
  readonly name: string;
  enter(): Active;
}

/** No program in force: the baseline. */
export const BASELINE: Condition = {
  name: "no program",
  enter: () => ({ stats: () => [], exit: () => undefined }),
};

/** The three loops every overhead run measures, the open one on a fresh file. */
export function standardWorkloads(): { readonly file: string; readonly workloads: Workload[] } {
  const file = join(mkdtempSync("/tmp/pw-bench-"), "target");
  writeFileSync(file, "x");
  const workloads: Workload[] = [
    { kind: "open", path: file, iterations: 5_000 },
    { kind: "connect", iterations: 500 },
    { kind: "exec", iterations: 40 },
  ];
  return { file, workloads };
}

interface Samples {
  readonly ns: number[];
  /** bpf_stats accumulated over the runs, by program. */
  readonly programs: Map<string, { timeNs: bigint; runs: bigint }>;
  ops: number;
}

function addStats(into: Samples, before: readonly ProgramStats[], after: readonly ProgramStats[]) {
  for (const a of after) {
    const b = before.find((s) => s.program === a.program);
    const sum = into.programs.get(a.program) ?? { timeNs: 0n, runs: 0n };
    sum.timeNs += a.timeNs - (b?.timeNs ?? 0n);
    sum.runs += a.runs - (b?.runs ?? 0n);
    into.programs.set(a.program, sum);
  }
}

async function runUnder(c: Condition, w: Workload, into: Samples): Promise<void> {
  const active = c.enter();
  try {
    const before = active.stats();
    into.ns.push(await runWorkload(w));
    into.ops += w.iterations;
    addStats(into, before, active.stats());
  } finally {
    active.exit();
  }
}

function costs(s: Samples): ProgramCost[] {
  return [...s.programs]
    .filter(([, sum]) => sum.runs > 0n)
    .map(([program, sum]) => ({
      program,
      runsPerOp: Number(sum.runs) / s.ops,
      nsPerRun: Number(sum.timeNs) / Number(sum.runs),
      nsPerOp: Number(sum.timeNs) / s.ops,
    }))
    .sort((a, b) => b.nsPerOp - a.nsPerOp);
}

/** Runs `rounds` interleaved rounds; `conditions[0]` is the baseline of every ratio. */
export async function measureOverhead(
  workloads: readonly Workload[],
  conditions: readonly Condition[],
  rounds: number,
  log: (s: string) => void,
): Promise<OverheadRow[]> {
  const samples = new Map<string, Samples>();
  const slot = (w: Workload, c: Condition) => {
    const key = `${workloadName(w)}|${c.name}`;
    const s = samples.get(key) ?? { ns: [], programs: new Map(), ops: 0 };
    samples.set(key, s);
    return s;
  };
  using _stats = enableRunTimeStats();
  for (let round = 0; round < rounds; round++) {
    log(`round ${round + 1}/${rounds}`);
    for (const w of workloads) for (const c of conditions) await runUnder(c, w, slot(w, c));
  }
  const baseline = conditions[0];
  if (!baseline) throw new Error("overhead: no conditions");
  return workloads.flatMap((w) =>
    conditions.map((c) => {
      const own = slot(w, c);
      const programs = costs(own);
      return {
        workload: workloadName(w),
        iterations: w.iterations,
        condition: c.name,
        nsPerOp: summarize(own.ns),
        ratio: c === baseline ? null : pairedRatio(own.ns, slot(w, baseline).ns),
        programs,
        bpfNsPerOp: own.programs.size > 0 ? programs.reduce((t, p) => t + p.nsPerOp, 0) : null,
      };
    }),
  );
}
