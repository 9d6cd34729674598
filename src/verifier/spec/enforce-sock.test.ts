// The functional spec of enforce_sock's pw_socket_create: the functional
// model explores the program completely (bpf_loop's callbacks run through the
// trampoline, loops are left and merged), with nothing outside the model;
// each candidate loop carries its invariant (the best score among the
// candidates so far) as a lemma per iteration, and the spec's clauses become
// one obligation each at the program's exit. Proving every lemma takes tens
// of minutes (`proofwall prove`); this test proves the first iterations'
// lemmas and the clauses that need no decision, and checks that a wrong
// invariant is refuted.
// Needs build/bpf/enforce_sock.bpf.o and the kernel BTF (context size).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readObject, type ObjectSpec } from "../object/index.js";
import { processSolver, Z3 } from "../smt/index.js";
import { contextSize } from "../why3/program-obligations.js";
import { repoRoot } from "../why3/why3-config.js";
import { functionalProblem, proveClauses } from "./check-program.js";
import { enforceSockSpecs } from "./enforce-sock.js";
import { Layout } from "./layout.js";
import type { FunctionalSpec } from "./spec.js";

const FILE = join(repoRoot, "build", "bpf", "enforce_sock.bpf.o");
const bytes = readFileSync(FILE);
const read = readObject(bytes, "enforce_sock.bpf.o");
assert.equal(read.kind, "ok");
const obj = (read as { value: ObjectSpec }).value;
const [spec] = enforceSockSpecs(Layout.ofObject(bytes, FILE), obj);
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
    // 144 candidates: the head is entered before each of them and once more.
    for (const lemma of ["typed-best", "any-type-best"]) {
      assert.equal(named(ids, new RegExp(`^functional:${lemma}-before#\\d+@`)).length, 145, lemma);
      assert.equal(named(ids, new RegExp(`^functional:${lemma}@`)).length, 1, lemma);
    }
  });

  it("proves the loop invariant's first iterations and the clauses that need no decision", async () => {
    const wanted = new RegExp(
      "^functional:(typed-best-before#[0-3]|any-type-best-before#[0-1]|" +
        "prior-verdict-or-kernel-passes|verdict-is-0-or-eperm|writes-only-counters-and-rate)@",
    );
    const obs = p.functional.filter((o) => wanted.test(o.id));
    assert.equal(obs.length, 9);
    const results = await proveClauses(processSolver(Z3), obs, 60_000);
    assert.deepEqual(
      results.filter((r) => r.outcome !== "proved").map((r) => r.id),
      [],
    );
  });

  it("refutes a wrong invariant: one candidate too many before an iteration", async () => {
    const [lemma] = spec.lemmas ?? [];
    assert.ok(lemma?.before);
    const policy = lemma.before;
    // Iteration 1 sees only candidate 0 (no identity, no exe, no placement).
    const wrong: FunctionalSpec = {
      ...spec,
      lemmas: [{ ...lemma, before: (k) => (k === 1 ? policy(2) : policy(k)) }],
    };
    const q = problemOf(wrong);
    const ob = q.functional.find((o) => o.id.startsWith(`functional:${lemma.name}-before#1@`));
    assert.ok(ob);
    const [r] = await proveClauses(processSolver(Z3), [ob], 60_000);
    assert.equal(r?.outcome, "refuted");
    assert.equal(r.outcome === "refuted" && r.confirmed, true);
  });
});
