// Turns the checks into a verdict an operator can act on.
import type { Check } from "./checks.js";

export interface DoctorReport {
  readonly canEnforce: boolean;
  readonly checks: readonly Check[];
  readonly advice: string;
}

export function judge(checks: readonly Check[]): DoctorReport {
  const failed = checks.filter((c) => c.status === "fail");
  const canEnforce = failed.length === 0;
  const advice = canEnforce
    ? "this machine can enforce: run `proofwall agent` here"
    : `this machine cannot enforce (${failed.map((c) => c.name).join("; ")}). ` +
      "Run Proofwall's kernel side in the test VM instead: `npm run demo` or `proofwall vm run -- <command>`";
  return { canEnforce, checks, advice };
}

const MARK = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;

export function renderReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.map((c) => `${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`);
  return [...lines, "", report.advice].join("\n");
}
