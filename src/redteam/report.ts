// The red-team table and its verdict. A row passes when every attempt was
// blocked and the agent logged it with the expected rule; a leak, an attempt
// that failed some other way, or a missing event fails the run. Rows that
// need the seal are shown as pending and never count as blocked.
import type { Mode } from "../policy/index.js";
import type { Group, Row } from "./attempt.js";
import type { Outcome } from "./judge.js";

export interface AttemptResult {
  readonly name: string;
  readonly outcome: Outcome;
  readonly why: string;
  /** The expected event arrived from the attempt's cgroup. */
  readonly logged: boolean;
  /** What the agent reported for the attempt's cgroup ("hook rule"), if anything. */
  readonly event: string | null;
}

export type RowResult =
  | { readonly kind: "ran"; readonly row: Row; readonly attempts: readonly AttemptResult[] }
  | { readonly kind: "pending-seal"; readonly row: Row };

/** A check that the suite can see a leak at all: an allowed flow must show as one. */
export interface ControlResult {
  readonly name: string;
  readonly ok: boolean;
  readonly why: string;
}

export interface Report {
  /**
   * The policy's mode. In "audit" mode the run is a self-check of the suite:
   * nothing may show as blocked, since Proofwall only reports.
   */
  readonly mode: Mode;
  readonly controls: readonly ControlResult[];
  readonly rows: readonly RowResult[];
}

export type RowVerdict = "ok" | "LEAKED" | "FAIL" | "BLOCKED" | "pending seal";

export function rowVerdict(r: RowResult, mode: Mode = "enforce"): RowVerdict {
  if (r.kind === "pending-seal") return "pending seal";
  if (mode === "audit") return r.attempts.some((a) => a.outcome === "blocked") ? "BLOCKED" : "ok";
  if (r.attempts.some((a) => a.outcome === "leaked")) return "LEAKED";
  const ok = r.attempts.length > 0 && r.attempts.every((a) => a.outcome === "blocked" && a.logged);
  return ok ? "ok" : "FAIL";
}

export function passed(report: Report): boolean {
  const ran = report.rows.filter((r) => r.kind === "ran");
  return (
    ran.length > 0 &&
    report.controls.length > 0 &&
    report.controls.every((c) => c.ok) &&
    ran.every((r) => rowVerdict(r, report.mode) === "ok")
  );
}

const count = (r: RowResult, f: (a: AttemptResult) => boolean) =>
  r.kind === "ran" ? String(r.attempts.filter(f).length) : "-";

function eventsSeen(r: RowResult): string {
  if (r.kind === "pending-seal") return "-";
  const seen = [...new Set(r.attempts.map((a) => a.event ?? "none"))];
  return seen.join("; ");
}

const COLUMNS = [
  "group",
  "channel",
  "attempts",
  "blocked",
  "leaked",
  "logged",
  "event seen",
  "verdict",
];
const NUMERIC = new Set([2, 3, 4, 5]);

function cells(r: RowResult, mode: Mode): string[] {
  return [
    r.row.group satisfies Group,
    r.row.channel,
    String(r.row.attempts.length),
    count(r, (a) => a.outcome === "blocked"),
    count(r, (a) => a.outcome === "leaked"),
    count(r, (a) => a.logged),
    eventsSeen(r),
    rowVerdict(r, mode),
  ];
}

export function renderTable(report: Report): string {
  const rows = [COLUMNS, ...report.rows.map((r) => cells(r, report.mode))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (NUMERIC.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(rows[0] ?? []), ...rows.slice(1).map(line)].join("\n");
}

/** One line per control, and one per attempt that did not pass, with the reason. */
export function renderFindings(report: Report): string[] {
  const out = report.controls.map((c) => `control ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.why}`);
  for (const r of report.rows) {
    if (r.kind !== "ran") continue;
    for (const a of r.attempts) {
      if (report.mode === "enforce" ? a.outcome === "blocked" && a.logged : a.outcome !== "blocked")
        continue;
      const logged = a.logged ? "" : `; no expected event (seen: ${a.event ?? "none"})`;
      out.push(
        `${a.outcome.toUpperCase()} ${r.row.group}/${r.row.channel}: ${a.name}: ${a.why}${logged}`,
      );
    }
  }
  return out;
}

export function renderSummary(report: Report): string {
  const ran = report.rows.filter((r) => r.kind === "ran");
  const attempts = ran.flatMap((r) => r.attempts);
  const n = (o: Outcome) => attempts.filter((a) => a.outcome === o).length;
  const pending = report.rows.length - ran.length;
  return `${report.mode} mode, ${attempts.length} attempts: ${n("blocked")} blocked, ${n("leaked")} leaked, ${n("failed")} failed otherwise, ${attempts.filter((a) => a.logged).length} logged; ${pending} rows pending seal: ${passed(report) ? "PASS" : "FAIL"}`;
}
