import { test } from "node:test";
import assert from "node:assert/strict";
import type { Row } from "./attempt.js";
import {
  passed,
  renderFindings,
  renderSummary,
  renderTable,
  rowVerdict,
  type AttemptResult,
  type Report,
  type RowResult,
} from "./report.js";

const attempt = (name: string): Row["attempts"][number] => ({
  name,
  expect: [{ hook: "file-open", rule: "vault" }],
  run: () => Promise.reject(new Error("not run in this test")),
});
const row = (channel: string, needsSeal = false): Row => ({
  group: needsSeal ? "tamper" : "file",
  channel,
  needsSeal,
  attempts: [attempt("a"), attempt("b")],
});
const blocked = (name: string): AttemptResult => ({
  name,
  outcome: "blocked",
  why: "cat: Operation not permitted",
  logged: true,
  event: "file-open vault",
});
const ran = (channel: string, attempts: AttemptResult[]): RowResult => ({
  kind: "ran",
  row: row(channel),
  attempts,
});
const controls = [{ name: "control", ok: true, why: "seen" }];

test("a row passes only when every attempt is blocked and logged", () => {
  assert.equal(rowVerdict(ran("cat", [blocked("a"), blocked("b")])), "ok");
  assert.equal(rowVerdict(ran("cat", [blocked("a"), { ...blocked("b"), logged: false }])), "FAIL");
  assert.equal(
    rowVerdict(ran("cat", [blocked("a"), { ...blocked("b"), outcome: "failed" }])),
    "FAIL",
  );
  assert.equal(
    rowVerdict(ran("cat", [blocked("a"), { ...blocked("b"), outcome: "leaked" }])),
    "LEAKED",
  );
  assert.equal(rowVerdict(ran("cat", [])), "FAIL");
});

test("pending rows are never blocked, and do not fail the run", () => {
  const report: Report = {
    mode: "enforce",
    controls,
    rows: [
      ran("cat", [blocked("a"), blocked("b")]),
      { kind: "pending-seal", row: row("unpin", true) },
    ],
  };
  assert.equal(passed(report), true);
  const table = renderTable(report).split("\n");
  assert.match(
    table[0] ?? "",
    /^group +channel +attempts +blocked +leaked +logged +event seen +verdict$/,
  );
  assert.match(table[1] ?? "", /^file +cat +2 +2 +0 +2 +file-open vault +ok$/);
  assert.match(table[2] ?? "", /^tamper +unpin +2 +- +- +- +- +pending seal$/);
  assert.match(
    renderSummary(report),
    /2 attempts: 2 blocked, 0 leaked, 0 failed otherwise, 2 logged; 1 rows pending seal: PASS/,
  );
});

test("a failed control, a leak or nothing run fails the run, with the reason", () => {
  const leak: Report = {
    mode: "enforce",
    controls,
    rows: [
      ran("cat", [
        blocked("a"),
        { ...blocked("b"), outcome: "leaked", why: "secret in output", logged: false, event: null },
      ]),
    ],
  };
  assert.equal(passed(leak), false);
  assert.deepEqual(renderFindings(leak).slice(1), [
    "LEAKED file/cat: b: secret in output; no expected event (seen: none)",
  ]);
  assert.equal(
    passed({
      ...leak,
      rows: [ran("cat", [blocked("a")])],
      controls: [{ name: "c", ok: false, why: "x" }],
    }),
    false,
  );
  assert.equal(
    passed({ mode: "enforce", controls, rows: [{ kind: "pending-seal", row: row("x", true) }] }),
    false,
  );
});

test("in audit mode the run passes only when nothing was blocked", () => {
  const through: AttemptResult = { ...blocked("a"), outcome: "leaked" };
  const audit: Report = {
    mode: "audit",
    controls,
    rows: [ran("cat", [through, { ...through, outcome: "failed" }])],
  };
  assert.equal(passed(audit), true);
  const stopped: Report = { ...audit, rows: [ran("cat", [through, blocked("b")])] };
  assert.equal(rowVerdict(stopped.rows[0] as RowResult, "audit"), "BLOCKED");
  assert.equal(passed(stopped), false);
});
