// A saved session replays while its proofs hold and fails once a proved goal
// is broken: the regression check `proofwall prove --replay` relies on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bv, bvVar, eq, implies, ule, bin } from "../vc/index.js";
import { replay, proveModule } from "./run-why3.js";
import { obligation, scratchDir } from "./test-support.js";
import { why3Setup } from "./why3-config.js";
import { whymlModule } from "./whyml-module.js";

test("replay holds for an unchanged session and fails when a proved goal no longer holds", async () => {
  const setup = why3Setup();
  const x = bvVar("x", 64);
  const masked = bin("bvand", x, bv(0xffn, 64));
  const module = whymlModule("replayed", [
    obligation("mem-bounds@1", ule(masked, bv(0xffn, 64))),
    obligation("mem-bounds@2", implies(eq(x, bv(3n, 64)), ule(x, bv(4n, 64)))),
  ]);
  const dir = scratchDir();
  const options = { provers: ["z3", "cvc4"], timeoutSeconds: 5 };
  const results = await proveModule(setup, module, dir, options);
  assert.deepEqual(
    results.map((r) => `${r.goal}/${r.prover}/${r.status}`),
    [
      "mem_bounds_at_1/z3/valid",
      "mem_bounds_at_1/cvc4/valid",
      "mem_bounds_at_2/z3/valid",
      "mem_bounds_at_2/cvc4/valid",
    ],
  );
  assert.equal((await replay(setup, dir, options)).ok, true);
  const file = join(dir, "replayed.mlw");
  writeFileSync(
    file,
    readFileSync(file, "utf8").replace(
      "(0xFF:BV64.t)) (0xFF:BV64.t))",
      "(0xFF:BV64.t)) (0x7F:BV64.t))",
    ),
  );
  assert.match(readFileSync(file, "utf8"), /\(0x7F:BV64\.t\)\)/, "the goal was broken");
  const broken = await replay(setup, dir, options);
  assert.equal(broken.ok, false, broken.output);
  assert.match(broken.output, /mem_bounds_at_1/);
});
