// The red-team suite as a kernel test (npm test): the same run as
// `npm run redteam`, against the real agent in the test VM. Every row that
// can hold today must be blocked and logged with nothing leaked; the rows
// that need the agent's seal are listed as pending and never as blocked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { requireTestVm } from "../vm/guard.js";
import { passed, renderFindings, renderSummary, renderTable } from "./report.js";
import { ROWS, runRedteam } from "./suite.js";

requireTestVm();

test("red team: every attempt is blocked and logged, nothing leaks", async (t) => {
  const report = await runRedteam({ sealed: false, mode: "enforce", say: (l) => t.diagnostic(l) });
  for (const line of renderTable(report).split("\n")) t.diagnostic(line);
  assert.equal(report.rows.length, ROWS.length);
  for (const r of report.rows)
    assert.equal(
      r.kind === "pending-seal",
      r.row.needsSeal,
      `${r.row.channel}: pending only for the seal`,
    );
  assert.ok(passed(report), [...renderFindings(report), renderSummary(report)].join("\n"));
});
