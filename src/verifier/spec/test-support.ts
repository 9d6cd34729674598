// Checks the decision hooks' spec tests share: a wrong clause is refuted
// with a counterexample the evaluator confirms, and the errno and
// missing-event mutants are killed (none left neither killed nor proved).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readObject, type ObjectSpec } from "../object/index.js";
import { processSolver, Z3 } from "../smt/index.js";
import { functionalProblem, proveClauses } from "./check-program.js";
import { judgeDecisionMutants } from "./decision-mutants.js";
import { Layout } from "./layout.js";
import type { Clause, FunctionalSpec } from "./spec.js";

import { repoRoot } from "../why3/why3-config.js";

const TIMEOUT_MS = 120_000;

/** build/bpf/<name>.bpf.o, read, with its layout. */
export function builtObject(name: string): { obj: ObjectSpec; layout: Layout } {
  const file = join(repoRoot, "build", "bpf", `${name}.bpf.o`);
  const bytes = readFileSync(file);
  const read = readObject(bytes, `${name}.bpf.o`);
  assert.equal(read.kind, "ok", `${name}.bpf.o does not read`);
  return { obj: (read as { value: ObjectSpec }).value, layout: Layout.ofObject(bytes, file) };
}

/** `wrong` in place of the spec's clauses is refuted, under the spec's witnesses first. */
export async function assertRefuted(
  obj: ObjectSpec,
  spec: FunctionalSpec,
  wrong: Clause,
  ctxSize: number,
): Promise<void> {
  const problem = functionalProblem(obj, { ...spec, clauses: [wrong] }, ctxSize);
  const ob = problem.functional.find((o) => o.id.startsWith(`functional:${wrong.name}@`));
  assert.ok(ob, wrong.name);
  const [r] = await proveClauses(processSolver(Z3), [ob], TIMEOUT_MS, spec.witnesses);
  assert.equal(r?.outcome, "refuted");
  assert.equal(r.outcome === "refuted" && r.confirmed, true);
}

/** The errno mutant at the return and the missing submit are killed; the rest proved. */
export async function assertDecisionMutantsKilled(
  obj: ObjectSpec,
  spec: FunctionalSpec,
  ctxSize: number,
): Promise<void> {
  const verdicts = await judgeDecisionMutants(processSolver(Z3), obj, spec, ctxSize, TIMEOUT_MS);
  for (const v of verdicts) console.log(`${v.mutant}: ${v.clause} ${v.verdict}`);
  const killed = verdicts.filter((v) => v.verdict === "killed").map((v) => v.kind);
  assert.ok(killed.includes("no-submit"), JSON.stringify(verdicts));
  assert.ok(killed.includes("errno"), JSON.stringify(verdicts));
  assert.deepEqual(
    verdicts.filter((v) => v.verdict !== "killed" && v.verdict !== "proved"),
    [],
  );
}
