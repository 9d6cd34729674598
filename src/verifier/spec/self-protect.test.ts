// The functional specs of pw_task_kill and pw_ptrace_access_check: proved on
// the built object (with the safety obligations of the same exploration), and
// every bytecode mutant rejected, by the functional spec with a counterexample
// the term evaluator confirms on a path, or by a safety obligation. Needs
// build/bpf/self_protect.bpf.o and the running kernel's BTF (context sizes).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readObject, type ObjectSpec } from "../object/index.js";
import { disposeEmbeddedZ3, embeddedZ3 } from "../smt/z3-embedded.js";
import { contextSize } from "../why3/program-obligations.js";
import { repoRoot } from "../why3/why3-config.js";
import { functionalProblem, proveClauses } from "./check-program.js";
import { Layout } from "./layout.js";
import { specMutants } from "./mutants.js";
import { selfProtectSpecs } from "./self-protect.js";
import type { FunctionalSpec } from "./spec.js";

const FILE = join(repoRoot, "build", "bpf", "self_protect.bpf.o");
const TIMEOUT_MS = 30_000;

/**
 * Mutants the functional spec cannot tell apart from the program, each with
 * the reason; they must still be rejected by a safety obligation or be
 * equivalent. Slots follow the current build; a rebuild that moves them makes
 * this test fail until the list is updated.
 */
const NOT_FUNCTIONAL: Readonly<Record<string, "safety" | "equivalent">> = {
  // is_agent re-tests agent_start_time != 0, which task_is_agent(target) already
  // established on the same lookup: the check is redundant.
  "pw_task_kill:skip@41": "equivalent",
  "pw_ptrace_access_check:skip@43": "equivalent",
  // submitting a record without its NULL check: the event clause counts a
  // record only when the reservation succeeded, so only the null-check catches it.
  "pw_task_kill:skip@69": "safety",
  "pw_ptrace_access_check:skip@71": "safety",
};

const bytes = readFileSync(FILE);
const read = readObject(bytes, "self_protect.bpf.o");
assert.equal(read.kind, "ok");
const obj = (read as { value: ObjectSpec }).value;
const specs = selfProtectSpecs(Layout.ofObject(bytes, FILE));
const ctxSizeOf = (spec: FunctionalSpec) => {
  const prog = obj.programs.find((p) => p.name === spec.program);
  assert.ok(prog, spec.program);
  return contextSize(prog);
};

after(() => disposeEmbeddedZ3());

describe("self_protect task hooks: functional spec", () => {
  for (const spec of specs)
    it(`${spec.program}: every clause and every safety obligation is proved`, async () => {
      const p = functionalProblem(obj, spec, ctxSizeOf(spec));
      assert.equal(p.truncated, false);
      assert.equal(
        p.functional.length,
        spec.clauses.length * new Set(p.functional.map((o) => o.pc)).size,
      );
      const results = await proveClauses(embeddedZ3(), [...p.functional, ...p.safety], TIMEOUT_MS);
      const open = results
        .filter((r) => r.outcome !== "proved")
        .map((r) => `${r.id}: ${r.outcome}`);
      console.log(
        `${spec.program}: ${p.paths} paths, ${p.functional.length} functional and ${p.safety.length} safety obligations, ${results.length - open.length} proved`,
      );
      assert.deepEqual(open, []);
    });

  it("every mutant is rejected; the functional spec kills all but the listed ones", async () => {
    let run = 0;
    let killed = 0;
    for (const spec of specs)
      for (const m of specMutants(obj, spec.program)) {
        run++;
        const p = functionalProblem(m.obj, spec, ctxSizeOf(spec));
        const results = await proveClauses(embeddedZ3(), p.functional, TIMEOUT_MS);
        const refuted = results.filter((r) => r.outcome === "refuted");
        const confirmed = refuted.some((r) => r.outcome === "refuted" && r.confirmed);
        const listed = NOT_FUNCTIONAL[m.name];
        if (refuted.length > 0) killed++;
        console.log(
          `${m.name}: ${refuted.length > 0 ? `killed by ${refuted.map((r) => r.id).join(", ")}${confirmed ? " (counterexample confirmed)" : ""}` : `survived (${listed ?? "unlisted"})`}`,
        );
        if (listed === undefined) {
          assert.ok(confirmed, `${m.name}: no confirmed counterexample`);
          continue;
        }
        assert.equal(refuted.length, 0, `${m.name} is listed but now killed: update the list`);
        if (listed === "safety") {
          const safety = await proveClauses(embeddedZ3(), p.safety, TIMEOUT_MS);
          assert.ok(
            safety.some((r) => r.outcome === "refuted"),
            `${m.name}: no safety refutation`,
          );
        }
      }
    console.log(`mutants killed: ${killed}/${run}`);
    assert.ok(run >= 8);
    assert.equal(killed, run - Object.keys(NOT_FUNCTIONAL).length);
  });
});
