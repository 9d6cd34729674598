import { test } from "node:test";
import assert from "node:assert/strict";
import { agreement } from "./agreement.js";
import type { Outcome } from "./routes.js";

const of = (...outcomes: Outcome[]) =>
  agreement(outcomes.map((outcome, i) => ({ backend: `b${i}`, outcome, seconds: 0 })));

test("agreement: proofs need every backend, refutations need a direct model and no proof", () => {
  assert.equal(of("proved", "proved", "valid", "folded"), "proved");
  assert.equal(of("proved", "proved", "valid", "timeout"), "inconclusive");
  assert.equal(of("refuted", "refuted", "unknown", "failure"), "refuted");
  assert.equal(of("refuted", "refuted", "invalid", "invalid"), "refuted");
  assert.equal(of("unknown", "unknown", "invalid", "unknown"), "inconclusive");
  assert.equal(of("refuted", "refuted", "valid", "unknown"), "disagree");
  assert.equal(of("proved", "proved", "invalid", "valid"), "disagree");
  assert.equal(of(), "inconclusive");
});
