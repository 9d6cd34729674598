// What file_guard costs: open+close, TCP connect and fork+exec loops with no
// program attached, and with file_guard attached holding 10 and 100,000
// protected files. Conditions alternate inside every round (interleaved), and
// each ratio is the median of per-round ratios. The kernel's own per-program
// figure (run_time_ns / run_cnt) comes from bpf_stats.
import { createServer, type Server } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BpfObject, enableRunTimeStats, type BpfProgram } from "../kernel/index.js";
import { encodeFileKey } from "../abi/file-key.js";
import { fileKeyOf } from "../identity/file.js";
import { bpfObjectPath } from "../paths.js";
import { pairedRatio, summarize, type Summary } from "./stats.js";
import { runWorkload, workloadName, type Workload } from "./workload.js";

export interface OverheadRow {
  readonly workload: string;
  readonly condition: string;
  readonly nsPerOp: Summary;
  /** Against the no-program baseline of the same rounds. */
  readonly ratio: Summary | null;
  /** Mean ns per program run, from bpf_stats, or null for the baseline. */
  readonly programNs: number | null;
}

interface Condition {
  readonly name: string;
  readonly program: BpfProgram | null;
}

/** A loaded file_guard whose map holds `entries` protected files, the workload's file among them. */
function loadGuard(entries: number, file: string): BpfObject {
  const obj = BpfObject.open(bpfObjectPath("file_guard"))
    .resizeMap("pw_protected_files", entries)
    .load();
  const map = obj.map("pw_protected_files");
  const own = fileKeyOf(file);
  const keys = Array.from(
    { length: entries - 1 },
    (_, i) => [encodeFileKey({ dev: own.dev, ino: BigInt(1e9 + i) }), Buffer.from([1])] as const,
  );
  for (let i = 0; i < keys.length; i += 10_000) map.updateBatch(keys.slice(i, i + 10_000));
  map.update(encodeFileKey(own), Buffer.from([1]));
  return obj;
}

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** Runs `rounds` interleaved rounds of every workload under every condition. */
export async function measureFileGuardOverhead(
  rounds: number,
  log: (s: string) => void,
): Promise<OverheadRow[]> {
  const dir = mkdtempSync("/tmp/pw-bench-");
  const file = join(dir, "target");
  writeFileSync(file, "x");
  const server = await listen();
  const port = (server.address() as { port: number }).port;
  const workloads: Workload[] = [
    { kind: "open", path: file, iterations: 5_000 },
    { kind: "connect", port, iterations: 500 },
    { kind: "exec", iterations: 40 },
  ];
  using small = loadGuard(10, file);
  using large = loadGuard(100_000, file);
  const conditions: Condition[] = [
    { name: "no program", program: null },
    { name: "file_guard, 10 files", program: small.program("pw_file_open") },
    { name: "file_guard, 100k files", program: large.program("pw_file_open") },
  ];
  const samples = new Map<string, number[]>();
  const progNs = new Map<string, { time: bigint; count: bigint }>();
  using _stats = enableRunTimeStats();
  for (let round = 0; round < rounds; round++) {
    log(`round ${round + 1}/${rounds}`);
    for (const w of workloads) {
      for (const c of conditions) {
        const key = `${workloadName(w)}|${c.name}`;
        const link = c.program?.attachLsm();
        const before = c.program?.info();
        try {
          const ns = await runWorkload(w);
          (samples.get(key) ?? samples.set(key, []).get(key))?.push(ns);
        } finally {
          const after = c.program?.info();
          link?.[Symbol.dispose]();
          if (before && after) {
            const acc = progNs.get(key) ?? { time: 0n, count: 0n };
            progNs.set(key, {
              time: acc.time + after.runTimeNs - before.runTimeNs,
              count: acc.count + after.runCount - before.runCount,
            });
          }
        }
      }
    }
  }
  server.close();
  return workloads.flatMap((w) =>
    conditions.map((c) => {
      const key = `${workloadName(w)}|${c.name}`;
      const own = samples.get(key) ?? [];
      const base = samples.get(`${workloadName(w)}|${conditions[0]?.name}`) ?? [];
      const stats = progNs.get(key);
      return {
        workload: workloadName(w),
        condition: c.name,
        nsPerOp: summarize(own),
        ratio: c.program ? pairedRatio(own, base) : null,
        programNs: stats && stats.count > 0n ? Number(stats.time) / Number(stats.count) : null,
      };
    }),
  );
}

export function renderOverhead(rows: readonly OverheadRow[]): string {
  const pct = (s: Summary): string =>
    `${((s.median - 1) * 100).toFixed(1)}% (spread ${(s.spread * 100).toFixed(0)}%)`;
  const lines = rows.map((r) =>
    [
      r.workload.padEnd(12),
      r.condition.padEnd(24),
      `${r.nsPerOp.median.toFixed(0).padStart(9)} ns/op (spread ${(r.nsPerOp.spread * 100).toFixed(0)}%)`.padEnd(
        34,
      ),
      r.ratio ? `overhead ${pct(r.ratio)}`.padEnd(34) : "".padEnd(34),
      r.programNs !== null ? `${r.programNs.toFixed(0)} ns/run` : "",
    ].join(" "),
  );
  return [
    "workload     condition                median (n rounds)                  vs no program                      bpf_stats",
    ...lines,
  ].join("\n");
}
