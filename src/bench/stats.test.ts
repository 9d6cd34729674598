import { test } from "node:test";
import assert from "node:assert/strict";
import { median, pairedRatio, summarize } from "./stats.js";

test("median of odd and even counts", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]));
});

test("summary carries the spread relative to the median", () => {
  const s = summarize([10, 12, 8, 11, 9]);
  assert.deepEqual([s.median, s.min, s.max, s.n], [10, 8, 12, 5]);
  assert.equal(s.spread, 0.4);
});

test("paired ratios cancel drift shared by both sides", () => {
  const baseline = [100, 200, 400];
  const subject = [110, 220, 440];
  assert.ok(Math.abs(pairedRatio(subject, baseline).median - 1.1) < 1e-12);
  assert.equal(pairedRatio(subject, baseline).spread < 1e-12, true);
  assert.throws(() => pairedRatio([1], [1, 2]));
});
