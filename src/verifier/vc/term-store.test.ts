import { test } from "node:test";
import assert from "node:assert/strict";
import {
  add,
  and,
  bv,
  bvVar,
  concat,
  eq,
  extract,
  ite,
  not,
  select,
  store,
  TRUE,
  FALSE,
  variable,
  zext,
} from "./term-store.js";
import { arraySort } from "./term.js";

test("structurally equal terms are the same object", () => {
  const x = bvVar("x", 64);
  const a = add(x, bv(5n, 64));
  const b = add(bvVar("x", 64), bv(5n, 64));
  assert.equal(a, b);
  assert.equal(a.id, b.id);
  assert.notEqual(add(x, bv(6n, 64)), a);
  assert.notEqual(bvVar("x", 32), x, "the sort is part of the key");
});

test("constants fold with SMT-LIB meaning and identities simplify", () => {
  assert.equal(add(bv(-1n, 64), bv(2n, 64)), bv(1n, 64));
  assert.equal(extract(15, 8, bv(0xabcdn, 64)), bv(0xabn, 8));
  assert.equal(concat(bv(0xabn, 8), bv(0xcdn, 8)), bv(0xabcdn, 16));
  const x = bvVar("x", 32);
  assert.equal(add(x, bv(0n, 32)), x);
  assert.equal(extract(31, 0, zext(32, x)), x);
  assert.equal(extract(63, 32, zext(32, x)), bv(0n, 32));
  assert.equal(and(TRUE, eq(x, x)), TRUE);
  assert.equal(not(not(eq(x, bv(1n, 32)))), eq(x, bv(1n, 32)));
  assert.equal(ite(FALSE, x, bv(3n, 32)), bv(3n, 32));
  // the bytes of a stored word, read back in order, are the word
  assert.equal(concat(extract(31, 16, x), extract(15, 0, x)), x);
  assert.equal(concat(extract(23, 16, x), extract(15, 8, x)), extract(23, 8, x));
  assert.equal(concat(extract(15, 8, x), extract(15, 8, x)).kind, "concat");
  const c = eq(x, bv(5n, 32));
  const y = bvVar("y", 32);
  const merged = ite(c, x, y);
  const bytes = [3, 2, 1, 0].map((i) =>
    ite(c, extract(8 * i + 7, 8 * i, x), extract(8 * i + 7, 8 * i, y)),
  );
  assert.equal(
    bytes.reduce((acc, b) => concat(acc, b)),
    merged,
    "a merged word read back byte by byte is the merged word",
  );
});

test("a select reads back a store at the same or provably different constant index", () => {
  const mem = variable("m", arraySort(64, 8));
  const i = bvVar("i", 64);
  const written = store(store(mem, bv(1n, 64), bv(7n, 8)), i, bv(9n, 8));
  assert.equal(select(written, i), bv(9n, 8));
  const two = store(store(mem, bv(1n, 64), bv(7n, 8)), bv(2n, 64), bv(9n, 8));
  assert.equal(select(two, bv(1n, 64)), bv(7n, 8));
  assert.equal(select(written, bv(1n, 64)).kind, "select", "unknown i may alias 1");
});
