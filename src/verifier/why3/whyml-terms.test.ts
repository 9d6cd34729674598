// Every term operator, through Why3 and z3, at edge values: the goal "x = a
// and y = b implies op(x, y) = op's SMT-LIB value" must be Valid, and the
// same goal with a wrong value must not be, so each mapping in
// whyml-terms.ts means what the term language means.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  and,
  bin,
  bv,
  bvBin,
  bvVar,
  concat,
  constArray,
  eq,
  extract,
  implies,
  not,
  select,
  sext,
  store,
  variable,
  zext,
  type BvBinOp,
  type Term,
} from "../vc/index.js";
import { proveFormulas } from "./test-support.js";
import { whymlModule } from "./whyml-module.js";
import { obligation } from "./test-support.js";

const OPS: readonly BvBinOp[] = [
  "bvadd",
  "bvsub",
  "bvmul",
  "bvudiv",
  "bvurem",
  "bvsdiv",
  "bvsrem",
  "bvand",
  "bvor",
  "bvxor",
  "bvshl",
  "bvlshr",
  "bvashr",
];

function cases(): [string, Term, Term][] {
  const out: [string, Term, Term][] = [];
  for (const [w, a, b] of [
    [32, -7n, 0n],
    [64, 0x8000_0000_0000_0000n, 3n],
  ] as const) {
    const x = bvVar(`x${w}`, w);
    const y = bvVar(`y${w}`, w);
    const given = and(eq(x, bv(a, w)), eq(y, bv(b, w)));
    for (const op of OPS) {
      const want = bvBin(op, w, BigInt.asUintN(w, a), BigInt.asUintN(w, b));
      out.push([`${op}/${w}/${a}/${b}`, given, eq(bin(op, x, y), bv(want, w))]);
    }
  }
  const b = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => bvVar(`b${i}`, 8));
  const bytes = and(...b.map((v, i) => eq(v, bv(BigInt(0x11 * (i + 1)), 8))));
  const load8 = b.slice(1).reduce((acc, v) => concat(v, acc), b[0] as Term);
  out.push(["concat64", bytes, eq(load8, bv(0x8877665544332211n, 64))]);
  out.push(["extract15:8", bytes, eq(extract(15, 8, load8), bv(0x22n, 8))]);
  out.push(["extract63:32", bytes, eq(extract(63, 32, load8), bv(0x88776655n, 32))]);
  out.push(["zext", bytes, eq(zext(56, b[7] as Term), bv(0x88n, 64))]);
  out.push(["sext", bytes, eq(sext(56, b[7] as Term), bv(0xffffffffffffff88n, 64))]);
  const i = bvVar("i", 64);
  const j = bvVar("j", 64);
  const mem = variable("mem", { kind: "array", index: 64, elem: 8 });
  const init = store(constArray(64, bv(0n, 1)), i, bv(1n, 1));
  out.push(["select-store", eq(i, j), eq(select(store(mem, i, bv(5n, 8)), j), bv(5n, 8))]);
  out.push(["const-array", not(eq(i, j)), eq(select(init, j), bv(0n, 1))]);
  return out;
}

const wrong = (t: Term): Term => (t.kind === "eq" ? not(t) : t);

test("every operator means in Why3 what it means in SMT-LIB (z3 through Why3)", async () => {
  const all = cases();
  const goals = all.flatMap(([id, given, claim]) => [
    [id, implies(given, claim)] as const,
    [`${id}/wrong`, implies(given, wrong(claim))] as const,
  ]);
  const status = await proveFormulas(goals);
  for (const [id] of all) {
    assert.equal(status.get(`${id}/z3`), "valid", id);
    assert.notEqual(status.get(`${id}/wrong/z3`), "valid", `${id} with a wrong value`);
  }
});

test("the module text is deterministic and independent of hash-cons ids", () => {
  const first = whymlModule(
    "p",
    cases().map(([id, g, c]) => obligation(id, implies(g, c))),
  );
  bvVar("unrelated", 64);
  const again = whymlModule(
    "p",
    cases().map(([id, g, c]) => obligation(id, implies(g, c))),
  );
  assert.equal(again.text, first.text);
  assert.match(first.text, /use bv.BVConverter_8_64 as C8_64/);
  assert.doesNotMatch(first.text, /t\d{3,}/, "no hash-cons ids in the text");
});

test("a width without a stdlib theory is reported, not approximated", () => {
  const odd = bvVar("odd", 24);
  const m = whymlModule("p", [obligation("odd@0", eq(bin("bvadd", odd, odd), bv(0n, 24)))]);
  assert.equal(m.goals.length, 0);
  assert.match(m.untranslated[0]?.reason ?? "", /width 24/);
});
