// Shared by the why3 tests: obligations built from bare formulas, and a
// throwaway session directory per module.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Obligation, Term } from "../vc/index.js";
import { proveModule } from "./run-why3.js";
import type { GoalResult } from "./session.js";
import { why3Setup } from "./why3-config.js";
import { whymlModule } from "./whyml-module.js";

export const obligation = (id: string, condition: Term): Obligation =>
  ({ id, kind: "helper-arg", pc: 0, condition, message: id, cases: [] }) as Obligation;

export const scratchDir = (): string => mkdtempSync(join(tmpdir(), "pw-why3-"));

/** Proves the formulas as one module; the status of each goal per prover. */
export async function proveFormulas(
  formulas: readonly (readonly [string, Term])[],
  provers: readonly string[] = ["z3"],
): Promise<Map<string, string>> {
  const module = whymlModule(
    "scratch",
    formulas.map(([id, t]) => obligation(id, t)),
  );
  const results: GoalResult[] = await proveModule(why3Setup(), module, scratchDir(), {
    provers,
    timeoutSeconds: 10,
  });
  const byGoal = new Map(module.goals.map((g) => [g.name, g.obligation.id]));
  return new Map(results.map((r) => [`${byGoal.get(r.goal)}/${r.prover}`, r.status]));
}
