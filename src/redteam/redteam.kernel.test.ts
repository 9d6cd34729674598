// The red-team suite as a kernel test (npm test): the same run as
// `npm run redteam`, against the real, sealed agent in the test VM. Every row
// runs, tampering included, and every attempt must be blocked and logged with
// nothing leaked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { requireTestVm } from "../vm/guard.js";
import { passed, renderFindings, renderSummary, renderTable } from "./report.js";
import { ROWS, runRedteam } from "./suite.js";

requireTestVm();

test("red team: every attempt is blocked and logged, nothing leaks", async (t) => {
  const report = await runRedteam({ sealed: true, mode: "enforce", say: (l) => t.diagnostic(l) });
  for (const line of renderTable(report).split("\n")) t.diagnostic(line);
  assert.equal(report.rows.length, ROWS.length);
  const pending = report.rows.filter((r) => r.kind === "pending-seal").map((r) => r.row.channel);
  assert.deepEqual(pending, [], "a sealed run leaves no row pending");
  assert.ok(passed(report), [...renderFindings(report), renderSummary(report)].join("\n"));
});
