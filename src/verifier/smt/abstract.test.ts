// The abstracted implication (vc/abstract.ts) proves what holds whatever the
// opaque subterms are, given what their structure says, and never proves an
// implication that a model breaks: it only ever weakens the hypothesis.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  abstractedImplication,
  add,
  bv,
  bvVar,
  cmp,
  ite,
  not,
  select,
  variable,
  zext,
  type Term,
} from "../vc/index.js";
import { arraySort, BOOL } from "../vc/term.js";
import { z3 } from "./test-programs.js";

const valid = async (t: Term) =>
  (await z3.check({ assertions: [not(t)], observe: [] }, 10_000)).kind === "unsat";

// A count read from a merged stack (a select over ite of arrays) and bounded
// by the path; the store it guards is at 272 + count.
const stacks = [variable("left", arraySort(64, 8)), variable("right", arraySort(64, 8))];
const merged = ite(variable("took-left", BOOL), stacks[0] as Term, stacks[1] as Term);
const count = select(merged, bvVar("at", 64));
const offset = add(bv(272n, 64), zext(56, count));

test("a bound on an opaque read carries over to an offset built from it", async () => {
  const path = cmp("bvule", count, bv(35n, 8));
  const goal = cmp("bvule", offset, bv(508n, 64));
  assert.ok(await valid(abstractedImplication(path, goal)));
});

test("the constants an ite chooses between are kept", async () => {
  const r0 = ite(cmp("bvult", count, bv(3n, 8)), bv(0n, 64), bv(1n, 64));
  const goal = cmp("bvule", r0, bv(1n, 64));
  assert.ok(await valid(abstractedImplication(variable("p", BOOL), goal)));
});

test("an implication that fails for some input is not proved abstracted", async () => {
  const path = cmp("bvule", count, bv(40n, 8));
  const goal = cmp("bvule", offset, bv(308n, 64)); // 272 + 40 > 308
  assert.ok(!(await valid(abstractedImplication(path, goal))));
});
