// Slicing keeps exactly the conjuncts a check depends on, transitively.
import { test } from "node:test";
import assert from "node:assert/strict";
import { slicedImplication } from "./slice.js";
import { and, bv, bvVar, eq, implies } from "./term-store.js";

const [x, y, z] = ["x", "y", "z"].map((n) => bvVar(n, 8)) as [
  ReturnType<typeof bvVar>,
  ReturnType<typeof bvVar>,
  ReturnType<typeof bvVar>,
];

test("a conjunct sharing nothing with the check is dropped", () => {
  const goal = eq(x, bv(1n, 8));
  const got = slicedImplication(and(eq(x, bv(1n, 8)), eq(z, bv(2n, 8))), goal);
  assert.equal(got, implies(eq(x, bv(1n, 8)), goal));
});

test("conjuncts linked through another variable are kept", () => {
  const goal = eq(x, bv(3n, 8));
  const path = and(eq(x, y), eq(y, bv(3n, 8)), eq(z, bv(0n, 8)));
  assert.equal(slicedImplication(path, goal), implies(and(eq(x, y), eq(y, bv(3n, 8))), goal));
});
