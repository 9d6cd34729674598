import { test } from "node:test";
import assert from "node:assert/strict";
import {
  add,
  apply,
  bv,
  bvSort,
  bvVar,
  constArray,
  eq,
  select,
  store,
  ule,
  variable,
  arraySort,
} from "../vc/index.js";
import { logicFor, printTerms } from "./print.js";

test("shared subterms are bound once with define-fun", () => {
  const x = bvVar("x@0#1", 64);
  const shared = add(x, bv(1n, 64));
  const f = eq(add(shared, shared), bv(4n, 64));
  const p = printTerms([f]);
  assert.deepEqual(p.preamble, [
    "(declare-fun |x@0#1| () (_ BitVec 64))",
    `(define-fun |t${shared.id}| () (_ BitVec 64) (bvadd |x@0#1| (_ bv1 64)))`,
  ]);
  assert.match(p.print(f), new RegExp(`\\(bvadd \\|t${shared.id}\\| \\|t${shared.id}\\|\\)`));
});

test("the logic covers arrays and uninterpreted functions", () => {
  const x = bvVar("x", 64);
  const mem = variable("ctx", arraySort(64, 8));
  const k = apply({ name: "kmem8", params: [bvSort(64)], result: bvSort(8) }, [x]);
  assert.equal(logicFor([ule(x, bv(3n, 64))]), "QF_BV");
  assert.equal(logicFor([eq(select(mem, x), bv(0n, 8))]), "QF_ABV");
  assert.equal(logicFor([eq(k, bv(0n, 8))]), "QF_UFBV");
  const init = store(constArray(64, bv(0n, 1)), x, bv(1n, 1));
  const printed = printTerms([eq(select(init, bv(2n, 64)), k)]);
  assert.match(
    printed.print(eq(select(init, bv(2n, 64)), k)),
    /\(\(as const \(Array \(_ BitVec 64\) \(_ BitVec 1\)\)\) \(_ bv0 1\)\)/,
  );
});
