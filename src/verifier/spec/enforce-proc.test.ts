// The functional specs of enforce_proc's item hooks (capabilities, ptrace,
// mounts, module loading, anonymous executable memory): each explores
// completely with a lemma per candidate; the clauses that differ from hook
// to hook (which requests pass, the verdict, the event's fields) are proved
// for every hook, and every clause for pw_capable; a wrong clause (the exec
// default deciding anonymous memory) is refuted, and the errno and
// missing-event mutants of pw_capable are killed, with counterexamples the
// evaluator confirms. The loops' lemmas in full take minutes:
// `proofwall prove`. Needs build/bpf/enforce_proc.bpf.o.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { processSolver, Z3 } from "../smt/index.js";
import { contextSize } from "../why3/program-obligations.js";
import { functionalProblem, proveClauses } from "./check-program.js";
import { ItemModel, enforceProcSpecs, itemRequests } from "./enforce-proc.js";
import { decisionClauses } from "./hook-decision.js";
import { assertDecisionMutantsKilled, assertRefuted, builtObject } from "./test-support.js";

const { obj, layout } = builtObject("enforce_proc");
const specs = enforceProcSpecs(layout, obj);

const ctxSizeOf = (program: string) => {
  const prog = obj.programs.find((p) => p.name === program);
  assert.ok(prog, program);
  return contextSize(prog);
};
const specOf = (program: string) => {
  const spec = specs.find((s) => s.program === program);
  assert.ok(spec, program);
  return spec;
};

/** The clauses that differ from one item hook to the next. */
const PER_HOOK = /^functional:(undecided-passes|eperm-iff-deny|event-fields)@/;

describe("enforce_proc item hooks: functional specs", () => {
  it("specifies the nine item hooks", () => {
    assert.deepEqual(specs.map((s) => s.program).sort(), [
      "pw_capable",
      "pw_file_mprotect",
      "pw_kernel_load_data",
      "pw_kernel_module_request",
      "pw_kernel_read_file",
      "pw_mmap_file",
      "pw_move_mount",
      "pw_ptrace_access_check",
      "pw_sb_mount",
    ]);
  });

  for (const spec of specs)
    it(`${spec.program}: explores completely; its own clauses are proved`, async () => {
      const p = functionalProblem(obj, spec, ctxSizeOf(spec.program));
      const ids = p.functional.map((o) => o.id);
      const count = (re: RegExp) => ids.filter((id) => re.test(id)).length;
      console.log(`${spec.program}: ${p.paths} paths, ${ids.length} functional obligations`);
      assert.equal(p.truncated, false);
      assert.deepEqual(
        p.safety.filter((o) => o.kind === "unsupported" || o.kind === "loop-bound"),
        [],
      );
      for (const clause of spec.clauses)
        assert.equal(count(new RegExp(`^functional:${clause.name}@`)), 1, clause.name);
      assert.equal(count(/^functional:item-best-before#\d+@/), 145);
      const everything = spec.program === "pw_capable";
      const clauses = spec.clauses.map((c) => c.name).join("|");
      const all = new RegExp(
        `^functional:(identity-slots-before#0|item-best-before#[0-2]|${clauses})@`,
      );
      const wanted = (id: string) => PER_HOOK.test(id) || (everything && all.test(id));
      const obs = p.functional.filter((o) => wanted(o.id));
      assert.equal(obs.length, everything ? 4 + spec.clauses.length : 3);
      const results = await proveClauses(processSolver(Z3), obs, 120_000);
      assert.deepEqual(
        results.filter((r) => r.outcome !== "proved").map((r) => `${r.id}: ${r.outcome}`),
        [],
      );
    });
});

describe("enforce_proc: wrong specs and mutants", () => {
  // Anonymous executable memory is decided by rules only (JIT runtimes would
  // stop under a deny default). The spec with the exec default deciding it
  // is refuted: with no rules and every default deny, mmap answers 0.
  it("refutes a wrong spec: the exec default deciding anonymous memory", async () => {
    const spec = specOf("pw_mmap_file");
    const request = itemRequests(layout).find((q) => q.program === spec.program);
    assert.ok(request?.ruleOnly);
    const m = new ItemModel(layout, obj, { ...request, ruleOnly: false });
    const clause = decisionClauses(m, m.request()).find((c) => c.name === "eperm-iff-deny");
    assert.ok(clause);
    await assertRefuted(obj, spec, clause, ctxSizeOf(spec.program));
  });

  it("refutes pw_capable's errno and missing-event mutants with counterexamples", async () => {
    const spec = specOf("pw_capable");
    await assertDecisionMutantsKilled(obj, spec, ctxSizeOf(spec.program));
  });
});
