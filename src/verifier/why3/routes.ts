// The two routes from an obligation to a verdict. The direct route asserts
// the negated condition to z3 and cvc5 as SMT-LIB (smt/prove.ts); the Why3
// route prints the same condition as a WhyML goal and lets Why3's own
// drivers and transformations produce what z3 and cvc4 see. An obligation
// whose condition the term store folded to `true` needs no solver; the Why3
// route marks it `folded` unless asked to run it anyway.
import { availableParallelism } from "node:os";
import { CVC5, Z3, processSolver, prove, type Solver } from "../smt/index.js";
import type { Obligation } from "../vc/index.js";
import { mapPool } from "./pool.js";
import { proveModule, type Why3Options } from "./run-why3.js";
import type { Why3Setup } from "./why3-config.js";
import { whymlModule } from "./whyml-module.js";

export type Outcome =
  "proved" | "refuted" | "unknown" | "valid" | "invalid" | "timeout" | "failure" | "folded";

export interface RouteResult {
  /** e.g. smt/z3, why3/cvc4 */
  readonly backend: string;
  readonly outcome: Outcome;
  readonly seconds: number;
  readonly detail?: string;
}

const SOLVERS: readonly Solver[] = [processSolver(Z3), processSolver(CVC5)];

/** Per obligation, the verdict of each direct solver. */
export async function smtRoute(
  obligations: readonly Obligation[],
  timeoutMs: number,
  solvers: readonly Solver[] = SOLVERS,
): Promise<RouteResult[][]> {
  const jobs = obligations.flatMap((ob) => solvers.map((s) => ({ ob, s })));
  const done = await mapPool(jobs, availableParallelism(), async ({ ob, s }) => {
    const t0 = performance.now();
    const v = await prove(s, ob, timeoutMs);
    const seconds = (performance.now() - t0) / 1000;
    const detail = v.kind === "unknown" ? v.reason : undefined;
    return { backend: `smt/${s.name}`, outcome: v.kind, seconds, ...(detail ? { detail } : {}) };
  });
  return obligations.map((_, i) => done.slice(i * solvers.length, (i + 1) * solvers.length));
}

export interface Why3RouteOptions extends Why3Options {
  /** run goals whose condition folded to `true` through the provers too */
  readonly runFolded: boolean;
}

const foldedTrue = (ob: Obligation) => ob.condition.kind === "bool-const" && ob.condition.value;

/** The obligations the Why3 route sends to provers. */
export const why3Goals = (obligations: readonly Obligation[], runFolded: boolean): Obligation[] =>
  runFolded ? [...obligations] : obligations.filter((ob) => !foldedTrue(ob));

/** Per obligation, the verdict of each Why3 prover; the session is kept in `dir`. */
export async function why3Route(
  setup: Why3Setup,
  program: string,
  obligations: readonly Obligation[],
  dir: string,
  options: Why3RouteOptions,
): Promise<RouteResult[][]> {
  const module = whymlModule(program, why3Goals(obligations, options.runFolded));
  const results = await proveModule(setup, module, dir, options);
  const byGoal = new Map(module.goals.map((g) => [g.obligation.id, g.name]));
  const failed = new Map(module.untranslated.map((u) => [u.obligation.id, u.reason]));
  return obligations.map((ob) =>
    options.provers.map((prover): RouteResult => {
      const backend = `why3/${prover}`;
      const goal = byGoal.get(ob.id);
      const r = results.find((x) => x.goal === goal && x.prover === prover);
      if (r) return { backend, outcome: r.status, seconds: r.seconds };
      const reason = failed.get(ob.id);
      if (reason) return { backend, outcome: "failure", seconds: 0, detail: reason };
      return { backend, outcome: "folded", seconds: 0 };
    }),
  );
}
