import { test } from "node:test";
import assert from "node:assert/strict";
import { readResults, sessionXml, statusOf } from "./session.js";

const provers = [
  { id: "z3", name: "Z3", version: "4.8.12" },
  { id: "cvc4", name: "CVC4", version: "1.8" },
];

test("a fresh session lists one undone attempt per goal and prover; none counts as run", () => {
  const xml = sessionXml({
    file: "m.mlw",
    module: "M",
    goals: ["a", "b"],
    provers,
    timeoutSeconds: 5,
  });
  assert.match(xml, /<prover id="1" name="CVC4" version="1.8" timelimit="5"/);
  const results = readResults(xml);
  assert.deepEqual(
    results.map((r) => `${r.goal}/${r.prover}/${r.ran}`),
    ["a/z3/false", "a/cvc4/false", "b/z3/false", "b/cvc4/false"],
  );
});

test("saved results are read per goal and prover, statuses folded into five verdicts", () => {
  const xml = sessionXml({
    file: "m.mlw",
    module: "M",
    goals: ["a", "b"],
    provers,
    timeoutSeconds: 5,
  })
    .replace("<undone/>", '<result status="valid" time="0.02" steps="3"/>')
    .replace("<undone/>", '<result status="highfailure" time="1.10"/>')
    .replace("<undone/>", '<result status="steplimitexceeded" time="2.00"/>');
  const results = readResults(xml);
  assert.deepEqual(
    results.map((r) => [r.status, r.seconds, r.ran]),
    [
      ["valid", 0.02, true],
      ["failure", 1.1, true],
      ["timeout", 2, true],
      ["failure", 0, false],
    ],
  );
  assert.equal(statusOf("invalid"), "invalid");
  assert.equal(statusOf("outofmemory"), "failure");
});
