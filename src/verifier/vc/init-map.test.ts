// The interval form of an init array read means exactly what select means,
// on store chains (constant and symbolic offsets) joined by ite; the form
// that ignores merges implies it, and is all-true where every branch wrote.
import { test } from "node:test";
import assert from "node:assert/strict";
import { evalBool } from "./eval.js";
import { written, writtenOnEveryBranch } from "./init-map.js";
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

test("writtenOnEveryBranch implies written, and holds where both branches wrote", () => {
  const at = bvVar("at", 64);
  const j = bvVar("j", 64);
  const c = variable("c", BOOL);
  const empty = constArray(64, bv(0n, 1));
  const zero = bv(0n, 1);
  const left = store(chain(empty, [0, 1, 2, 3, 8, 9]), j, one);
  const right = store(chain(empty, [2, 3, 4, 8, 9]), bvVar("k", 64), zero);
  const init = chain(ite(c, left, right), [30]);
  const strong = writtenOnEveryBranch(init, at);
  const exact = written(init, at);
  const holds: bigint[] = [];
  for (const cv of [true, false])
    for (const jv of [1n, 5n])
      for (const kv of [3n, 8n])
        for (let o = 0n; o < 32n; o++) {
          const env = {
            values: new Map<string, bigint | boolean>([
              ["at", o],
              ["c", cv],
              ["j", jv],
              ["k", kv],
            ]),
            arrays: new Map(),
          };
          if (!evalBool(strong, env)) continue;
          assert.ok(evalBool(exact, env), `strong but not written at=${o} c=${cv} j=${jv} k=${kv}`);
          if (cv && jv === 1n && kv === 8n) holds.push(o);
        }
  // 2, 3 and 8, 9 on both sides, minus the zero stored at k = 8; 30 on top
  assert.deepEqual(holds, [2n, 3n, 9n, 30n]);
});
