// The functional specs of enforce_sock's unix hooks (pw_unix_stream_connect,
// pw_unix_may_send): the verdict is the decision the maps encode for the
// socket file the peer is bound to, an abstract or unbound peer passes, the
// event follows the outcome. Like enforce-sock.test.ts, this proves the
// identity slots, the first iterations of the candidate loop and every
// clause (the whole loop takes minutes: `proofwall prove`), refutes a wrong
// clause and kills the errno and missing-event mutants with counterexamples
// the evaluator confirms. Needs build/bpf/enforce_sock.bpf.o.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { processSolver, Z3 } from "../smt/index.js";
import { bv, eq, implies, ite } from "../vc/index.js";
import { contextSize } from "../why3/program-obligations.js";
import { functionalProblem, proveClauses } from "./check-program.js";
import { UnixConnectModel, enforceSockSpecs, type UnixHook } from "./enforce-sock.js";
import { assertDecisionMutantsKilled, assertRefuted, builtObject } from "./test-support.js";
import type { FunctionalSpec } from "./spec.js";

const { obj, layout } = builtObject("enforce_sock");
const HOOKS: readonly UnixHook[] = ["pw_unix_stream_connect", "pw_unix_may_send"];
const eperm = bv(BigInt.asUintN(32, -1n), 32);

function specOf(hook: UnixHook): { spec: FunctionalSpec; ctxSize: number } {
  const spec = enforceSockSpecs(layout, obj).find((s) => s.program === hook);
  const prog = obj.programs.find((p) => p.name === hook);
  assert.ok(spec && prog, hook);
  return { spec, ctxSize: contextSize(prog) };
}

for (const hook of HOOKS) {
  describe(`enforce_sock ${hook}: functional spec`, () => {
    const { spec, ctxSize } = specOf(hook);
    const p = functionalProblem(obj, spec, ctxSize);
    const ids = p.functional.map((o) => o.id);
    const count = (re: RegExp) => ids.filter((id) => re.test(id)).length;

    it("explores completely, with a lemma per candidate", () => {
      console.log(`${hook}: ${p.paths} paths, ${p.functional.length} functional obligations`);
      assert.equal(p.truncated, false);
      const outside = p.safety.filter((o) => o.kind === "unsupported" || o.kind === "loop-bound");
      assert.deepEqual(
        outside.map((o) => o.id),
        [],
      );
      for (const clause of spec.clauses)
        assert.equal(count(new RegExp(`^functional:${clause.name}@`)), 1, clause.name);
      assert.equal(count(/^functional:identity-slots-before#0@/), 1);
      assert.equal(count(/^functional:file-best-before#\d+@/), 145);
      assert.equal(count(/^functional:file-best@/), 1);
    });

    it("proves the identity slots, the loop's first iterations and every clause", async () => {
      const clauses = spec.clauses.map((c) => c.name).join("|");
      const wanted = new RegExp(
        `^functional:(identity-slots-before#0|file-best-before#[0-2]|${clauses})@`,
      );
      const obs = p.functional.filter((o) => wanted.test(o.id));
      assert.equal(obs.length, 4 + spec.clauses.length);
      const results = await proveClauses(processSolver(Z3), obs, 120_000);
      assert.deepEqual(
        results.filter((r) => r.outcome !== "proved").map((r) => `${r.id}: ${r.outcome}`),
        [],
      );
    });
  });
}

describe("enforce_sock pw_unix_stream_connect: wrong specs and mutants", () => {
  const hook: UnixHook = "pw_unix_stream_connect";
  const { spec, ctxSize } = specOf(hook);

  // A spec that forgets the socket's rules: the class default alone decides.
  // Under the witness with rules for anyone, a rule that denies the file
  // makes the program answer -EPERM where this clause says 0.
  it("refutes a wrong clause: the verdict by the class default alone", async () => {
    const m = new UnixConnectModel(layout, obj, hook);
    const byDefault = m.scoreIs(bv(0n, 64), "PW_OUT_DENY");
    await assertRefuted(
      obj,
      spec,
      {
        name: "eperm-iff-default-denies",
        holds: (x) => implies(m.decided(), eq(x.ret, ite(byDefault, eperm, bv(0n, 32)))),
      },
      ctxSize,
    );
  });

  it("refutes the errno and the missing-event mutants with counterexamples", async () => {
    await assertDecisionMutantsKilled(obj, spec, ctxSize);
  });
});
