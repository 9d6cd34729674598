// The functional specs of pw_task_kill and pw_ptrace_access_check: proved on
// the built object (with the safety obligations of the same exploration), and
// every bytecode mutant killed, by the functional spec or a safety obligation
// with a counterexample the term evaluator confirms on a path, unless the
// solver proves it equivalent to the original (mutation.ts). Needs
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
import { runsEachSlotOnce } from "./canonical-inputs.js";
import { provedEquivalent } from "./equivalence.js";
import { judgeMutant, type MutantVerdict } from "./mutation.js";
import { specMutants, type MutationKind, type SpecMutant } from "./mutants.js";
import { selfProtectSpecs } from "./self-protect.js";
import type { FunctionalSpec } from "./spec.js";

const FILE = join(repoRoot, "build", "bpf", "self_protect.bpf.o");
const TIMEOUT_MS = 30_000;

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

  it("every mutant is killed with a confirmed counterexample or proved equivalent", async () => {
    const verdicts: [SpecMutant, MutantVerdict][] = [];
    for (const spec of specs) {
      const ctxSize = ctxSizeOf(spec);
      const original = {
        problem: functionalProblem(obj, spec, ctxSize),
        eachSlotOnce: runsEachSlotOnce(obj, spec.program),
      };
      for (const m of specMutants(obj, spec.program)) {
        const o = { solver: embeddedZ3(), ctxSize, timeoutMs: TIMEOUT_MS };
        const v = await judgeMutant(original, m, spec, o);
        console.log(`${m.name}: ${verdictText(v)}`);
        verdicts.push([m, v]);
      }
    }
    const count = (kind: MutantVerdict["kind"]) => verdicts.filter(([, v]) => v.kind === kind);
    const run = verdicts.length - count("equivalent").length;
    console.log(
      `mutants killed: ${count("killed").length}/${run} (${count("equivalent").length} proved equivalent and excluded)`,
    );
    assert.deepEqual(
      count("survived").map(([m, v]) => `${m.name}: ${verdictText(v)}`),
      [],
    );
    assert.ok(run >= 20, `only ${run} mutants run`);
    const killedKinds = new Set(count("killed").map(([m]) => m.kind));
    for (const kind of KINDS) assert.ok(killedKinds.has(kind), `no ${kind} mutant killed`);
  });

  it("the equivalence check tells a killed mutant from the original", async () => {
    const spec = specs[0];
    assert.ok(spec);
    const ctxSize = ctxSizeOf(spec);
    const errno = specMutants(obj, spec.program).find((m) => m.kind === "errno");
    assert.ok(errno);
    const original = functionalProblem(obj, spec, ctxSize).exits;
    const mutant = functionalProblem(errno.obj, spec, ctxSize).exits;
    const same = await provedEquivalent(embeddedZ3(), original, original, TIMEOUT_MS);
    assert.equal(same.kind, "equivalent");
    const e = await provedEquivalent(embeddedZ3(), original, mutant, TIMEOUT_MS);
    assert.equal(e.kind, "different");
    assert.ok(e.kind === "different" && e.witness !== undefined, "model drives no exit pair apart");
  });
});

const KINDS: readonly MutationKind[] = [
  "invert",
  "skip",
  "bound+1",
  "bound-1",
  "errno",
  "no-submit",
];

function verdictText(v: MutantVerdict): string {
  switch (v.kind) {
    case "killed":
      return `killed by ${v.by} (${v.route}, counterexample confirmed)`;
    case "equivalent":
      return `proved equivalent (${v.pairs} exit pairs with different outcomes, none reachable together)`;
    case "survived":
      return `SURVIVED: ${v.reason}`;
    default:
      return v satisfies never;
  }
}
