// Structural properties of the exploration, without a solver: forks, pruned
// edges, unrolling, the path cap, merged obligations, and the evaluator on an
// obligation with concrete inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildCfg } from "../cfg/index.js";
import { asm } from "../cfg/test-support.js";
import { evalBool } from "./eval.js";
import { subterms } from "./term.js";
import { defaultContext, type ProgramContext } from "./exec-context.js";
import { explore } from "./explore.js";

const run = (source: string, over: Partial<ProgramContext> = {}) =>
  explore(buildCfg(asm(source)), defaultContext(over));

test("a branch on an input forks; a branch on constants does not", () => {
  const diamond = "ldxb %r2, [%r1+0]\nmov %r0, 0\njeq %r2, 1, +1\nmov %r0, 2\nexit";
  assert.equal(run(diamond, { ctxSize: 1, merge: false }).paths, 2);
  assert.equal(run(diamond, { ctxSize: 1 }).paths, 1, "the two paths merge at the exit");
  assert.equal(run("mov %r2, 1\nmov %r0, 0\njeq %r2, 1, +1\nmov %r0, 2\nexit").paths, 1);
});

test("a constant-bounded loop unrolls into one path; the cap truncates", () => {
  const loop = "mov %r0, 0\nl:\nadd %r0, 1\njlt %r0, 5, l\nexit";
  const ex = run(loop, { unroll: 5 });
  assert.equal(ex.paths, 1);
  assert.deepEqual(
    ex.obligations.map((o) => o.id),
    [],
  );
  const tooFew = run(loop, { unroll: 2 });
  assert.deepEqual(
    tooFew.obligations.map((o) => o.id),
    ["loop-bound@1"],
  );
  const branchy = "ldxb %r2, [%r1+0]\n" + "jeq %r2, 1, +0\n".repeat(12) + "mov %r0, 0\nexit";
  assert.equal(run(branchy, { ctxSize: 1, maxPaths: 100, merge: false }).truncated, true);
  const merged = run(branchy, { ctxSize: 1, maxPaths: 100 });
  assert.equal(merged.truncated, false, "4096 paths merge back into one at each join");
  assert.equal(merged.paths, 1);
});

test("checks at one slot on several paths merge into one obligation", () => {
  const ex = run("ldxb %r2, [%r1+0]\njeq %r2, 1, +1\nmov %r2, 2\nldxb %r0, [%r1+1]\nexit", {
    ctxSize: 2,
  });
  const ids = ex.obligations.map((o) => o.id).sort();
  assert.deepEqual(ids, ["ctx-bounds@0", "ctx-bounds@3"]);
});

test("an obligation evaluates to false exactly on the inputs that violate it", () => {
  const ex = run(
    "ldxb %r2, [%r1+0]\nmov %r3, %r10\nsub %r3, %r2\nstb [%r3+0], 1\nmov %r0, 0\nexit",
    { ctxSize: 1 },
  );
  const ob = ex.obligations.find((o) => o.id === "stack-bounds@3");
  assert.ok(ob);
  // Region bases must satisfy their placement axiom, or the path condition is false.
  const bases = subterms([ob.condition]).flatMap((t) =>
    t.kind === "var" && t.name.startsWith("base:") ? [t.name] : [],
  );
  assert.ok(bases.length >= 2);
  const values = new Map(bases.map((name, i) => [name, BigInt(i + 1) << 40n]));
  const withCtx = (byte: bigint) => ({
    values,
    arrays: new Map([["ctx", { fallback: 0n, entries: new Map([[0n, byte]]) }]]),
  });
  assert.equal(evalBool(ob.condition, withCtx(0n)), false, "r10 - 0 is one past the stack");
  assert.equal(evalBool(ob.condition, withCtx(1n)), true, "r10 - 1 is the last stack byte");
  assert.equal(evalBool(ob.condition, withCtx(255n)), true);
});

test("merged paths keep each side's values: the obligation fails exactly on the bad side", () => {
  // r3 is 8 on one side and 600 (past the 512-byte stack) on the other.
  const src =
    "ldxb %r2, [%r1+0]\nmov %r3, 8\njeq %r2, 1, +1\nmov %r3, 600\n" +
    "mov %r4, %r10\nsub %r4, %r3\nstb [%r4+0], 1\nmov %r0, 0\nexit";
  const ex = run(src, { ctxSize: 1 });
  assert.equal(ex.paths, 1);
  const ob = ex.obligations.find((o) => o.id === "stack-bounds@6");
  assert.ok(ob);
  const bases = subterms([ob.condition]).flatMap((t) =>
    t.kind === "var" && t.name.startsWith("base:") ? [t.name] : [],
  );
  const values = new Map(bases.map((name, i) => [name, BigInt(i + 1) << 40n]));
  const withCtx = (byte: bigint) => ({
    values,
    arrays: new Map([["ctx", { fallback: 0n, entries: new Map([[0n, byte]]) }]]),
  });
  assert.equal(evalBool(ob.condition, withCtx(1n)), true, "r3 = 8: in bounds");
  assert.equal(evalBool(ob.condition, withCtx(0n)), false, "r3 = 600: out of bounds");
});

test("a live register that is a pointer on one side and a number on the other keeps paths apart", () => {
  const src = (tail: string) =>
    "ldxb %r2, [%r1+0]\nmov %r3, %r10\njeq %r2, 1, +1\nmov %r3, 5\n" + tail;
  assert.equal(
    run(src("mov %r0, %r3\nexit"), { ctxSize: 1 }).paths,
    2,
    "r3 is read after the join",
  );
  assert.equal(run(src("mov %r0, 0\nexit"), { ctxSize: 1 }).paths, 1, "r3 is dead at the join");
});

test("paths that leave a loop after different iterations merge after it", () => {
  // Loop up to 4 times, leaving early when ctx byte 0 equals the counter;
  // then a diamond and a second loop: the exits must meet again at the joins.
  const early =
    "ldxb %r2, [%r1+0]\nmov %r3, 0\n" +
    "l1:\njeq %r2, %r3, done1\nadd %r3, 1\njlt %r3, 4, l1\ndone1:\n" +
    "mov %r4, 0\nl2:\njeq %r2, %r4, done2\nadd %r4, 1\njlt %r4, 4, l2\ndone2:\n" +
    "mov %r0, 0\nexit";
  const ex = run(early, { ctxSize: 1, unroll: 5 });
  assert.equal(ex.truncated, false);
  assert.equal(ex.paths, 1, "every exit of both loops meets at the end");
  assert.deepEqual(
    ex.obligations.filter((o) => o.kind === "loop-bound").map((o) => o.id),
    [],
  );
});
