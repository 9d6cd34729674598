// proofwall prove: exit 1 when a proof fails (an object expected safe with a
// refuted obligation), 0 when every program meets its expectation (a rejected_
// fixture whose bug is refuted). The same bytes under both names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../verifier/why3/why3-config.js";
import { runProve, type ProveFlags } from "./prove.js";

const dir = mkdtempSync(join(tmpdir(), "pw-cli-prove-"));
const fixture = join(repoRoot, "build", "bpf", "test-data", "rejected_stack_oob.bpf.o");
const flags: ProveFlags = {
  timeout: "10",
  why3Provers: "z3",
  runFolded: false,
  replay: false,
  table: true,
  fixtures: false,
  maxPaths: "100",
  specs: true,
};

test("prove: a refuted obligation of an object expected safe exits 1", async () => {
  const object = join(dir, "stack_oob.bpf.o");
  copyFileSync(fixture, object);
  assert.equal(await runProve([object], flags, join(dir, "proofs")), 1);
});

test("prove: a rejected_ fixture whose bug is refuted exits 0", async () => {
  const object = join(dir, "rejected_stack_oob.bpf.o");
  copyFileSync(fixture, object);
  assert.equal(await runProve([object], flags, join(dir, "proofs")), 0);
});
