// Interleaved overhead measurement: every round runs every workload under
// every condition in turn, so drift on a noisy machine hits all conditions of
// a round alike; each ratio is the median of per-round ratios against the
// first condition (the baseline). The kernel's own cost per program run comes
// from bpf_stats (run_time_ns / run_cnt), summed over the condition's programs.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { enableRunTimeStats } from "../kernel/index.js";
import { pairedRatio, summarize, type Summary } from "./stats.js";
import { runWorkload, workloadName, type Workload } from "./workload.js";

export interface OverheadRow {
  readonly workload: string;
  readonly condition: string;
  readonly nsPerOp: Summary;
  /** Against the baseline of the same rounds; null for the baseline itself. */
  readonly ratio: Summary | null;
  /** Mean ns per program run, from bpf_stats, or null without programs. */
  readonly programNs: number | null;
  /** bpf_stats time of all the condition's programs per workload operation, or null. */
  readonly bpfNsPerOp: number | null;
}

/** Run time and run count of a condition's programs, as bpf_stats reports them. */
export interface RunStats {
  readonly timeNs: bigint;
  readonly runs: bigint;
}

/** What is in force while one workload runs. */
export interface Active {
  /** bpf_stats of the programs in force, or null for none. */
  stats(): RunStats | null;
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
  enter: () => ({ stats: () => null, exit: () => undefined }),
};

export function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** The three loops every overhead run measures, on a fresh file and a local listener. */
export async function standardWorkloads(): Promise<{
  readonly file: string;
  readonly workloads: Workload[];
  readonly server: Server;
}> {
  const file = join(mkdtempSync("/tmp/pw-bench-"), "target");
  writeFileSync(file, "x");
  const server = await listen();
  const port = (server.address() as { port: number }).port;
  const workloads: Workload[] = [
    { kind: "open", path: file, iterations: 5_000 },
    { kind: "connect", port, iterations: 500 },
    { kind: "exec", iterations: 40 },
  ];
  return { file, workloads, server };
}

interface Samples {
  readonly ns: number[];
  timeNs: bigint;
  runs: bigint;
  ops: number;
}

async function runUnder(c: Condition, w: Workload, into: Samples): Promise<void> {
  const active = c.enter();
  try {
    const before = active.stats();
    into.ns.push(await runWorkload(w));
    into.ops += w.iterations;
    const after = active.stats();
    if (before && after) {
      into.timeNs += after.timeNs - before.timeNs;
      into.runs += after.runs - before.runs;
    }
  } finally {
    active.exit();
  }
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
    const s = samples.get(key) ?? { ns: [], timeNs: 0n, runs: 0n, ops: 0 };
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
      return {
        workload: workloadName(w),
        condition: c.name,
        nsPerOp: summarize(own.ns),
        ratio: c === baseline ? null : pairedRatio(own.ns, slot(w, baseline).ns),
        programNs: own.runs > 0n ? Number(own.timeNs) / Number(own.runs) : null,
        bpfNsPerOp: own.runs > 0n ? Number(own.timeNs) / own.ops : null,
      };
    }),
  );
}

export function renderOverhead(rows: readonly OverheadRow[]): string {
  const pct = (s: Summary): string =>
    `${((s.median - 1) * 100).toFixed(1)}% (spread ${(s.spread * 100).toFixed(0)}%)`;
  const width = Math.max(24, ...rows.map((r) => r.condition.length));
  const lines = rows.map((r) =>
    [
      r.workload.padEnd(12),
      r.condition.padEnd(width),
      `${r.nsPerOp.median.toFixed(0).padStart(9)} ns/op (spread ${(r.nsPerOp.spread * 100).toFixed(0)}%)`.padEnd(
        34,
      ),
      r.ratio ? `overhead ${pct(r.ratio)}`.padEnd(34) : "".padEnd(34),
      r.programNs !== null ? `${r.programNs.toFixed(0)} ns/run` : "",
      r.bpfNsPerOp !== null ? `${r.bpfNsPerOp.toFixed(0)} ns/op in BPF` : "",
    ].join(" "),
  );
  const rounds = rows[0]?.nsPerOp.n ?? 0;
  return [
    `${"workload".padEnd(12)} ${"condition".padEnd(width)} ${`median (${rounds} rounds)`.padEnd(34)} ${"vs no program".padEnd(34)} bpf_stats`,
    ...lines,
  ].join("\n");
}
