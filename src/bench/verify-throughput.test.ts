import { test } from "node:test";
import assert from "node:assert/strict";
import { renderThroughput } from "./verify-throughput.js";

test("verify throughput: rows render side by side with insns per second", () => {
  const text = renderThroughput([
    { solver: "z3", objects: 2, insns: 100, obligations: 10, unknown: 0, seconds: 4 },
    { solver: "cvc5", objects: 2, insns: 100, obligations: 10, unknown: 1, seconds: 5 },
  ]);
  const lines = text.split("\n");
  assert.equal(lines.length, 3);
  assert.match(lines[1] ?? "", /z3 .* 4\.0 .* 25\.0$/);
  assert.match(lines[2] ?? "", /cvc5 .* 5\.0 .* 20\.0$/);
});
