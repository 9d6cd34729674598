// `proofwall build`: which objects it certifies by default, and its usage
// errors (no solver runs here; the certificates themselves are tested in
// src/verifier/certificate/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { PRODUCT_OBJECT, runBuild } from "./build.js";

test("the product's objects are certified, test fixtures are not", () => {
  for (const f of [
    "enforce_file.bpf.o",
    "enforce_net.bpf.o",
    "self_protect.bpf.o",
    "file_guard.bpf.o",
  ])
    assert.ok(PRODUCT_OBJECT.test(f), f);
  for (const f of ["branches.bpf.o", "file_guard.bpf.o.cert.json", "xenforce_file.bpf.o"])
    assert.ok(!PRODUCT_OBJECT.test(f), f);
});

test("usage errors exit 2", async () => {
  const flags = { solver: "z3-embedded", timeout: "10", maxPaths: "1100" };
  assert.equal(await runBuild([], { ...flags, solver: "yices" }), 2);
  assert.equal(await runBuild([], { ...flags, timeout: "soon" }), 2);
  assert.equal(await runBuild(["no/such/object.bpf.o"], { ...flags, solver: "z3" }), 2);
});
