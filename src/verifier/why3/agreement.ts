// Whether the routes agree on an obligation. A proof needs every backend:
// the direct solvers say proved and every Why3 prover says Valid (or the
// condition folded to `true`). A refutation needs a direct counterexample and
// no backend claiming a proof; Why3 may say Invalid, Unknown, Timeout or
// Failure there, since the quantified axioms of its bitvector theories keep
// z3 and cvc4 from answering sat. Any proof next to a refutation is a
// disagreement: one route is unsound or the translation is wrong.
import { LINT_KINDS, type Obligation } from "../vc/index.js";
import type { RouteResult } from "./routes.js";

export type Agreement = "proved" | "refuted" | "disagree" | "inconclusive";

export interface Row {
  readonly program: string;
  readonly obligation: Obligation;
  readonly results: readonly RouteResult[];
  readonly agreement: Agreement;
}

const proves = (r: RouteResult) =>
  r.outcome === "proved" || r.outcome === "valid" || r.outcome === "folded";
const refutes = (r: RouteResult) => r.outcome === "refuted" || r.outcome === "invalid";

export function agreement(results: readonly RouteResult[]): Agreement {
  const proved = results.filter(proves).length;
  const refuted = results.filter(refutes).length;
  if (proved > 0 && refuted > 0) return "disagree";
  if (results.length > 0 && proved === results.length) return "proved";
  const directRefutation = results.some((r) => r.outcome === "refuted");
  if (proved === 0 && directRefutation) return "refuted";
  return "inconclusive";
}

export function rows(
  program: string,
  obligations: readonly Obligation[],
  ...routes: readonly (readonly RouteResult[][])[]
): Row[] {
  return obligations.map((obligation, i) => {
    const results = routes.flatMap((r) => r[i] ?? []);
    return { program, obligation, results, agreement: agreement(results) };
  });
}

/** A refuted lint (division by zero) does not make a program unsafe. */
export const unsafe = (r: Row): boolean =>
  r.agreement !== "proved" && !LINT_KINDS.has(r.obligation.kind);

const pad = (s: string, n: number) => s.padEnd(n);

/** One line per (obligation, backend): program, obligation, backend, result, seconds. */
export function table(all: readonly Row[]): string[] {
  const lines = [
    `${pad("program", 24)} ${pad("obligation", 22)} ${pad("backend", 10)} ${pad("result", 9)} time`,
  ];
  for (const row of all)
    for (const r of row.results)
      lines.push(
        `${pad(row.program, 24)} ${pad(row.obligation.id, 22)} ${pad(r.backend, 10)} ${pad(r.outcome, 9)} ${r.seconds.toFixed(2)}s`,
      );
  return lines;
}

export function summary(all: readonly Row[]): string {
  const count = (a: Agreement) => all.filter((r) => r.agreement === a).length;
  return `${all.length} obligations: ${count("proved")} proved by every route, ${count("refuted")} refuted, ${count("inconclusive")} inconclusive, ${count("disagree")} disagreements`;
}
