// What `verifyObject` returns: per program, per obligation, a status with
// its source location and, for a refutation, the counterexample and whether
// the interpreter reproduced it. Plain data, so the renderers (text, JSON,
// SARIF) and the tests read the same thing.
import type { ObligationKind } from "../vc/index.js";
import type { Counterexample } from "./replay.js";
import type { SourceRef } from "./source-map.js";

/**
 * proved: no input violates it. violated: refuted and the replay shows it.
 * unconfirmed: refuted, but the replay did not reproduce it (possibly an
 * imprecision of the model, never reported as a bug). unknown: no verdict.
 */
export type ObligationStatus = "proved" | "violated" | "unconfirmed" | "unknown";

export interface ObligationReport {
  readonly id: string;
  readonly kind: ObligationKind;
  readonly pc: number;
  readonly message: string;
  /** lints (division by zero) are reported but do not fail verification */
  readonly lint: boolean;
  readonly status: ObligationStatus;
  readonly source: SourceRef | undefined;
  readonly reason: string | undefined;
  readonly counterexample: Counterexample | undefined;
  readonly ms: number;
}

export interface ProgramReport {
  readonly name: string;
  readonly section: string;
  readonly progType: string;
  /** how the context size was found, e.g. the hook signature */
  readonly context: string;
  readonly ctxSize: number;
  readonly insns: number;
  readonly paths: number;
  /** the path cap stopped exploration: obligations are incomplete */
  readonly truncated: boolean;
  /** why the program could not be verified at all */
  readonly error: string | undefined;
  readonly obligations: readonly ObligationReport[];
}

export interface Totals {
  readonly proved: number;
  readonly violated: number;
  readonly unconfirmed: number;
  readonly unknown: number;
  readonly lints: number;
}

export interface VerifyResult {
  readonly file: string;
  readonly solver: string;
  readonly programs: readonly ProgramReport[];
  readonly totals: Totals;
  /** every non-lint obligation proved and every program fully explored */
  readonly ok: boolean;
  readonly ms: number;
}

export function totals(programs: readonly ProgramReport[]): Totals {
  const all = programs.flatMap((p) => p.obligations);
  const count = (s: ObligationStatus) => all.filter((o) => !o.lint && o.status === s).length;
  return {
    proved: count("proved"),
    violated: count("violated"),
    unconfirmed: count("unconfirmed"),
    unknown: count("unknown"),
    lints: all.filter((o) => o.lint && o.status !== "proved").length,
  };
}

export const programOk = (p: ProgramReport): boolean =>
  p.error === undefined &&
  !p.truncated &&
  p.obligations.every((o) => o.lint || o.status === "proved");
