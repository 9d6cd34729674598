// The interval form of an init array read means exactly what select means,
// on store chains (constant and symbolic offsets) joined by ite.
import { test } from "node:test";
import assert from "node:assert/strict";
import { evalBool } from "./eval.js";
import { written } from "./init-map.js";
import { bv, bvVar, constArray, eq, ite, select, store, variable } from "./term-store.js";
import { BOOL, type Term } from "./term.js";

const one = bv(1n, 1);
const chain = (base: Term, offsets: readonly number[]): Term =>
  offsets.reduce((a, o) => store(a, bv(BigInt(o), 64), one), base);

test("written() agrees with select on every offset and branch", () => {
  const at = bvVar("at", 64);
  const j = bvVar("j", 64);
  const c = variable("c", BOOL);
  const empty = constArray(64, bv(0n, 1));
  const left = chain(empty, [0, 1, 2, 3, 8, 9, 20]);
  const right = store(chain(empty, [2, 3, 4, 5, 6, 7]), j, one);
  const init = chain(ite(c, left, right), [30, 31]);
  const form = written(init, at);
  assert.notEqual(form.kind, "eq", "a symbolic read is not left to select");
  const bySelect = eq(select(init, at), one);
  let checked = 0;
  for (const cv of [true, false])
    for (let jv = 0n; jv < 12n; jv += 5n)
      for (let o = 0n; o < 40n; o++) {
        const env = {
          values: new Map<string, bigint | boolean>([
            ["at", o],
            ["c", cv],
            ["j", jv],
          ]),
          arrays: new Map(),
        };
        assert.equal(evalBool(form, env), evalBool(bySelect, env), `at=${o} c=${cv} j=${jv}`);
        checked++;
      }
  assert.equal(checked, 2 * 3 * 40);
});
