// The human report: one summary row per program, then every obligation that
// is not proved with its C source line, the counterexample's inputs and the
// tail of the replayed instruction trace.
import type { ObligationReport, ProgramReport, VerifyResult } from "./verify-result.js";
import { displayPath } from "./source-path.js";

const TRACE_TAIL = 12;

export function renderText(r: VerifyResult, root: string): string {
  const lines = [
    `${r.file}: ${r.ok ? "verified" : "NOT verified"} (solver ${r.solver}, ${(r.ms / 1000).toFixed(1)} s)`,
  ];
  lines.push(...table(r.programs));
  for (const p of r.programs) {
    if (p.error !== undefined) lines.push("", `error: ${p.name}: ${p.error}`);
    if (p.truncated)
      lines.push(
        "",
        `error: ${p.name}: exploration stopped at ${p.paths} paths; obligations are incomplete`,
      );
    for (const o of p.obligations)
      if (o.status !== "proved") lines.push("", ...failure(p, o, root));
  }
  const t = r.totals;
  lines.push(
    "",
    `${t.proved} proved, ${t.violated} violated, ${t.unconfirmed} unconfirmed, ${t.unknown} unknown, ${t.lints} lints`,
  );
  return `${lines.join("\n")}\n`;
}

function table(programs: readonly ProgramReport[]): string[] {
  const head = [
    "program",
    "insns",
    "paths",
    "oblig",
    "proved",
    "violated",
    "unconf",
    "unknown",
    "context",
  ];
  const rows = programs.map((p) => {
    const n = (s: ObligationReport["status"]) =>
      String(p.obligations.filter((o) => o.status === s).length);
    return [
      p.name,
      String(p.insns),
      String(p.paths),
      String(p.obligations.length),
      n("proved"),
      n("violated"),
      n("unconfirmed"),
      n("unknown"),
      p.error ? "error" : p.context,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (r: readonly string[]) =>
    r
      .map((c, i) =>
        i === r.length - 1 ? c : i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
      )
      .join("  ");
  return [fmt(head), ...rows.map(fmt)];
}

function failure(p: ProgramReport, o: ObligationReport, root: string): string[] {
  const level = o.lint ? "lint" : o.status === "violated" ? "error" : "warning";
  const out = [`${level}: ${p.name}: ${o.kind} at insn ${o.pc} ${o.status}: ${o.message}`];
  if (o.source) {
    out.push(`  --> ${displayPath(o.source.file, root)}:${o.source.line}:${o.source.column}`);
    out.push(`  ${String(o.source.line).padStart(5)} | ${o.source.text}`);
  }
  if (o.reason) out.push(`  ${o.status === "violated" ? "replay" : "why"}: ${o.reason}`);
  const cex = o.counterexample;
  if (cex === undefined) return out;
  if (cex.inputs.length > 0) out.push("  counterexample:");
  for (const i of cex.inputs.slice(0, 16)) out.push(`    ${i.name} = ${i.value}`);
  const trace = cex.replay.trace;
  if (trace.length > 0) {
    out.push(
      `  trace (${trace.length} steps${trace.length > TRACE_TAIL ? `, last ${TRACE_TAIL}` : ""}):`,
    );
    for (const s of trace.slice(-TRACE_TAIL))
      out.push(`    ${String(s.pc).padStart(5)}: ${s.text}${s.line ? `   ; line ${s.line}` : ""}`);
  }
  return out;
}
