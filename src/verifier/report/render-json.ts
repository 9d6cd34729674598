// Stable machine output: a versioned document with the same fields as
// VerifyResult. Field order is fixed by construction, numbers stay numbers
// and nothing depends on the run except `ms`.
import type { VerifyResult } from "./verify-result.js";
import { displayPath } from "./source-path.js";

export const JSON_VERSION = 1;

export function renderJson(r: VerifyResult, root: string): string {
  const doc = {
    version: JSON_VERSION,
    file: r.file,
    solver: r.solver,
    ok: r.ok,
    totals: r.totals,
    ms: r.ms,
    programs: r.programs.map((p) => ({
      ...p,
      obligations: p.obligations.map((o) => ({
        ...o,
        source: o.source && { ...o.source, file: displayPath(o.source.file, root) },
      })),
    })),
  };
  return `${JSON.stringify(doc, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;
}
