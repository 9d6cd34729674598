// Structural ranges hold for every value of the variables, and a read past a
// store at an index whose range is disjoint from the read's skips the store.
import { test } from "node:test";
import assert from "node:assert/strict";
import { evalBv } from "./eval.js";
import { provablyDistinct, rangeOf } from "./ranges.js";
import {
  add,
  bin,
  bv,
  bvVar,
  concat,
  extract,
  ite,
  select,
  store,
  variable,
  zext,
} from "./term-store.js";
import { BOOL, arraySort, type Term } from "./term.js";

const x = bvVar("x", 32);
const index = add(bv(272n, 64), zext(32, x)); // fp-0x140+0x50 plus a u32 load
const shifted = bin("bvlshr", bin("bvshl", zext(32, x), bv(32n, 64)), bv(32n, 64));
const masked = bin("bvand", zext(32, x), bv(0xffn, 64));
const chosen = ite(variable("c", BOOL), bv(3n, 64), bv(40n, 64));

test("ranges contain the value of each term at sampled inputs", () => {
  const terms: Term[] = [index, shifted, masked, chosen, concat(extract(7, 0, x), bv(5n, 8))];
  for (const xv of [0n, 1n, 0xffn, 0x1234n, 0xffffffffn])
    for (const cv of [true, false]) {
      const env = {
        values: new Map<string, bigint | boolean>([
          ["x", xv],
          ["c", cv],
        ]),
        arrays: new Map(),
      };
      for (const t of terms) {
        const v = evalBv(t, env);
        const r = rangeOf(t);
        assert.ok(r.lo <= v && v <= r.hi, `${v} outside [${r.lo}, ${r.hi}]`);
      }
    }
  assert.deepEqual(rangeOf(index), { lo: 272n, hi: 272n + 0xffffffffn });
  assert.deepEqual(rangeOf(masked), { lo: 0n, hi: 0xffn });
  assert.deepEqual(rangeOf(chosen), { lo: 3n, hi: 40n });
});

test("a sum that may wrap has no useful range", () => {
  const wide = add(bvVar("y", 64), bv(1n, 64));
  assert.deepEqual(rangeOf(wide), { lo: 0n, hi: (1n << 64n) - 1n });
  assert.equal(provablyDistinct(wide, bv(0n, 64)), false);
});

test("select skips a store whose index cannot be the one read", () => {
  const bytes = bvVar("base", 8);
  const mem = store(variable("stack", arraySort(64, 8)), index, bytes);
  const below = select(mem, bv(152n, 64));
  assert.equal(below.kind, "select");
  assert.equal(below.kind === "select" && below.array.kind, "var", "the store was skipped");
  const inside = select(mem, bv(300n, 64));
  assert.equal(inside.kind === "select" && inside.array, mem, "a store that may hit is kept");
  assert.ok(provablyDistinct(index, bv(271n, 64)));
  assert.ok(!provablyDistinct(index, bv(272n, 64)));
});
