// The functional spec of enforce_sock's pw_socket_create: the functional
// model explores the program completely (bpf_loop's callbacks run through the
// trampoline, loops are left and merged), with nothing outside the model;
// before the candidate loops the filled identity slots are the model's, each
// loop carries its invariant (the best score among the candidates so far) as
// a lemma per iteration and its result as a lemma at its end, and the spec's
// clauses become one obligation each at the program's exit. Every lemma takes
// minutes in all (`proofwall prove`); this test proves the identity slots,
// the first iterations' lemmas and every clause, among them the decision
// (-EPERM exactly when the maps' decision is deny, the event exactly when it
// is reported, its fields), and checks that a wrong invariant and a wrong
// clause are refuted with counterexamples that drive the program.
// Needs build/bpf/enforce_sock.bpf.o and the kernel BTF (context size).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { processSolver, Z3 } from "../smt/index.js";
import { bv, eq, implies, ite, or } from "../vc/index.js";
import { contextSize } from "../why3/program-obligations.js";
import { functionalProblem, proveClauses } from "./check-program.js";
import { SocketCreateModel, enforceSockSpecs } from "./enforce-sock.js";
import { assertDecisionMutantsKilled, assertRefuted, builtObject } from "./test-support.js";
import type { FunctionalSpec } from "./spec.js";

const { obj, layout } = builtObject("enforce_sock");
const [spec] = enforceSockSpecs(layout, obj);
assert.ok(spec);
const prog = obj.programs.find((p) => p.name === spec.program);
assert.ok(prog);

const problemOf = (s: FunctionalSpec) => functionalProblem(obj, s, contextSize(prog));
const named = (ids: readonly string[], re: RegExp) => ids.filter((id) => re.test(id));

describe("enforce_sock pw_socket_create: functional spec", () => {
  const p = problemOf(spec);
  const ids = p.functional.map((o) => o.id);

  it("explores completely under the functional model, with a lemma per loop iteration", () => {
    console.log(`${spec.program}: ${p.paths} paths, ${p.functional.length} functional obligations`);
    assert.equal(p.truncated, false);
    const outside = p.safety.filter((o) => o.kind === "unsupported" || o.kind === "loop-bound");
    assert.deepEqual(
      outside.map((o) => o.id),
      [],
    );
    for (const clause of spec.clauses)
      assert.equal(named(ids, new RegExp(`^functional:${clause.name}@`)).length, 1, clause.name);
    assert.equal(named(ids, /^functional:identity-slots-before#0@/).length, 1);
    // 144 candidates: the head is entered before each of them and once more.
    for (const lemma of ["typed-best", "any-type-best"]) {
      assert.equal(named(ids, new RegExp(`^functional:${lemma}-before#\\d+@`)).length, 145, lemma);
      assert.equal(named(ids, new RegExp(`^functional:${lemma}@`)).length, 1, lemma);
    }
  });

  it("proves the identity slots, the invariant's first iterations and every clause", async () => {
    const clauses = spec.clauses.map((c) => c.name).join("|");
    const wanted = new RegExp(
      `^functional:(identity-slots-before#0|typed-best-before#[0-3]|any-type-best-before#[0-1]|${clauses})@`,
    );
    const obs = p.functional.filter((o) => wanted.test(o.id));
    assert.equal(obs.length, 7 + spec.clauses.length);
    const results = await proveClauses(processSolver(Z3), obs, 60_000);
    assert.deepEqual(
      results.filter((r) => r.outcome !== "proved").map((r) => r.id),
      [],
    );
  });

  it("refutes a wrong invariant: one candidate too many before an iteration", async () => {
    const lemma = spec.lemmas?.find((l) => l.name === "typed-best");
    assert.ok(lemma?.before);
    const policy = lemma.before;
    // Iteration 1 sees only candidate 0 (no identity, no exe, no placement).
    const wrong: FunctionalSpec = {
      ...spec,
      lemmas: (spec.lemmas ?? []).map((l) =>
        l === lemma ? { ...lemma, before: (k) => (k === 1 ? policy(2) : policy(k)) } : l,
      ),
    };
    const q = problemOf(wrong);
    const ob = q.functional.find((o) => o.id.startsWith(`functional:${lemma.name}-before#1@`));
    assert.ok(ob);
    const [r] = await proveClauses(processSolver(Z3), [ob], 60_000);
    assert.equal(r?.outcome, "refuted");
    assert.equal(r.outcome === "refuted" && r.confirmed, true);
  });

  // A wrong decision clause is refuted with a counterexample the evaluator
  // confirms: found under the spec's witness maps (a config with rules for
  // the anyone-identity only), where the condition is small; on the whole
  // condition the solver finds none in minutes.
  it("refutes a wrong clause: -EPERM for an audited outcome as well as a denied one", async () => {
    const m = new SocketCreateModel(layout, obj);
    const eperm = bv(BigInt.asUintN(32, -1n), 32);
    const denyOrAudit = or(m.is("PW_OUT_DENY"), m.is("PW_OUT_AUDIT"));
    await assertRefuted(
      obj,
      spec,
      {
        name: "eperm-iff-deny-or-audit",
        holds: (x) => implies(m.decided(), eq(x.ret, ite(denyOrAudit, eperm, bv(0n, 32)))),
      },
      contextSize(prog),
    );
  });

  // Bytecode mutants of the hook (mutants.ts): the errno changed and the
  // ring-buffer submit removed. The errno mutant at the hook's return breaks
  // `verdict-is-0-or-eperm`, the missing submit `event-iff-reported`, each
  // refuted with a confirmed counterexample; the errno mutants elsewhere
  // (other uses of -1) keep the verdict clause proved.
  it("refutes the errno and the missing-event mutants with counterexamples", async () => {
    await assertDecisionMutantsKilled(obj, spec, contextSize(prog));
  });
});
