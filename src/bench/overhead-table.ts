// The overhead table: one block per workload, the conditions side by side,
// so the 10-rule and the 100,000-rule figures sit next to each other and
// next to the programs whose bpf_stats account for them.
import type { OverheadRow, ProgramCost } from "./overhead.js";
import type { Summary } from "./stats.js";

const ns = (v: number): string => v.toFixed(0);
const spread = (s: Summary): string => `spread ${(s.spread * 100).toFixed(0)}%`;
const percent = (s: Summary): string => {
  const p = (s.median - 1) * 100;
  return `${p >= 0 ? "+" : ""}${p.toFixed(1)}% (${spread(s)})`;
};
const programCell = (c: ProgramCost | undefined): string =>
  c ? `${ns(c.nsPerOp)} (${c.runsPerOp.toFixed(2)} x ${ns(c.nsPerRun)})` : "";

/** Lines of label + one cell per condition, padded into columns. */
function columns(lines: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const line of lines)
    line.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return lines.map((line) =>
    line
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("   ")
      .trimEnd(),
  );
}

function block(rows: readonly OverheadRow[]): string[] {
  const first = rows[0];
  if (!first) return [];
  const names = [...new Set(rows.flatMap((r) => r.programs.map((p) => p.program)))];
  const cost = (r: OverheadRow, name: string) => r.programs.find((p) => p.program === name);
  names.sort(
    (a, b) =>
      Math.max(...rows.map((r) => cost(r, b)?.nsPerOp ?? 0)) -
      Math.max(...rows.map((r) => cost(r, a)?.nsPerOp ?? 0)),
  );
  const table = columns([
    ["", ...rows.map((r) => r.condition)],
    ["ns/op", ...rows.map((r) => `${ns(r.nsPerOp.median)} (${spread(r.nsPerOp)})`)],
    ["vs no program", ...rows.map((r) => (r.ratio ? percent(r.ratio) : ""))],
    ["BPF ns/op", ...rows.map((r) => (r.bpfNsPerOp === null ? "" : ns(r.bpfNsPerOp)))],
    ...names.map((name) => [`  ${name}`, ...rows.map((r) => programCell(cost(r, name)))]),
  ]);
  return [
    `${first.workload}: ${first.iterations} per run, ${first.nsPerOp.n} rounds`,
    ...table.map((l) => `  ${l}`),
  ];
}

/**
 * The table of a run. Medians over rounds; a ratio is the median of the
 * per-round ratios against the baseline; spread is (max - min) / median. BPF
 * ns/op is bpf_stats run time per operation, in total and by program as
 * "ns/op (runs/op x ns/run)".
 */
export function renderOverhead(rows: readonly OverheadRow[]): string {
  const workloads = [...new Set(rows.map((r) => r.workload))];
  return workloads.map((w) => block(rows.filter((r) => r.workload === w)).join("\n")).join("\n\n");
}
