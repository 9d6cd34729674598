// Switching policies on the real kernel: the new one replaces the old one as a
// whole, a write that does not fit leaves the old one in force, and the
// counters see every decision.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { compilePolicy } from "../compile/index.js";
import { Engine } from "./engine.js";
import { readCounters } from "./counters.js";
import { denied, filesRule, policyOf, sh } from "./test-support.js";

requireTestVm();

const dir = mkdtempSync("/tmp/pw-switch-");
const [a, b] = ["a", "b"].map((n) => join(dir, n)) as [string, string];
let engine: Engine;

before(() => {
  chmodSync(dir, 0o755);
  for (const f of [a, b]) writeFileSync(f, "x\n", { mode: 0o644 });
  // Room for 8 rule entries across both generations: enough for small policies only.
  engine = Engine.load({ maxRules: 8 }).attach();
});

after(async () => {
  await engine[Symbol.asyncDispose]();
});

test("a new policy replaces the old one as a whole", () => {
  const g1 = engine.apply(
    compilePolicy(policyOf([filesRule("a", "deny", [a], { operations: ["read"] })])),
  );
  assert.ok(denied(sh(`cat ${a}`)));
  assert.equal(sh(`cat ${b}`).status, 0);
  const g2 = engine.apply(
    compilePolicy(policyOf([filesRule("b", "deny", [b], { operations: ["read"] })])),
  );
  assert.notEqual(g1, g2);
  assert.equal(sh(`cat ${a}`).status, 0);
  assert.ok(denied(sh(`cat ${b}`)));
});

test("a policy that does not fit is refused and the previous one stays in force", () => {
  const before = engine.generation;
  const big = policyOf([filesRule("big", "deny", [{ path: dir, tree: true }])]); // 7 ops x 2 = 14 entries
  assert.throws(() => engine.apply(compilePolicy(big)), /E2BIG|ENOSPC|ENOMEM/);
  assert.equal(engine.generation, before);
  assert.ok(denied(sh(`cat ${b}`)), "the previous policy still denies");
  assert.equal(sh(`cat ${a}`).status, 0);
  // And the engine still takes a policy that fits.
  engine.apply(compilePolicy(policyOf([filesRule("a", "deny", [a], { operations: ["read"] })])));
  assert.ok(denied(sh(`cat ${a}`)));
});

test("counters count decisions by hook and outcome", () => {
  const before = readCounters(engine.maps.counters).fileOpen.deny;
  for (let i = 0; i < 3; i++) assert.ok(denied(sh(`cat ${a}`)));
  assert.ok(readCounters(engine.maps.counters).fileOpen.deny >= before + 3n);
});
