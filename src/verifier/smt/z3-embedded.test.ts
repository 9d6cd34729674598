// The embedded z3 agrees with the z3 process on the test programs' verdicts,
// its counterexamples satisfy the negated obligation under the evaluator, and
// a process that used it exits once it is disposed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { and, bin, bv, bvVar, eq, evalBool, ult, type Term } from "../vc/index.js";
import { program, z3 } from "./test-programs.js";
import { prove } from "./prove.js";
import { embeddedZ3 } from "./z3-embedded.js";

const SOURCES = [
  "ldxw %r2, [%r1+0]\nand %r2, 0x3ff\nmov %r3, %r10\nsub %r3, %r2\nstb [%r3-1], 7\nmov %r0, 0\nexit",
  "ldxw %r2, [%r1+0]\nand %r2, 0x1ff\nmov %r3, %r10\nsub %r3, %r2\nstb [%r3-1], 7\nmov %r0, 0\nexit",
  "ldxw %r2, [%r1+0]\nmov %r0, 100\ndiv %r0, %r2\nexit",
  "mov %r0, %r3\nexit",
  "stw [%r10-8], 1\nldxdw %r0, [%r10-8]\nexit",
];

test("z3-embedded: same verdicts as the z3 process; models falsify the obligation", async () => {
  const embedded = embeddedZ3();
  let refuted = 0;
  for (const source of SOURCES) {
    const { exploration } = program(source, { ctxSize: 4 });
    for (const ob of exploration.obligations) {
      const [a, b] = [await prove(embedded, ob), await prove(z3, ob)];
      assert.equal(a.kind, b.kind, `${ob.id} in\n${source}`);
      if (a.kind === "refuted") {
        refuted++;
        assert.equal(
          evalBool(ob.condition, a.model),
          false,
          `model of ${ob.id} is a counterexample`,
        );
      }
    }
  }
  assert.ok(refuted >= 4, `refuted ${refuted}`);
});

test("z3-embedded: a query past its time limit is unknown, not a guess", async () => {
  // Factoring a 64-bit product of two 32-bit numbers > 1 takes z3 far longer than 300 ms.
  const [a, b] = [bvVar("a", 64), bvVar("b", 64)];
  const small = (x: Term) => and(ult(bv(1n, 64), x), ult(x, bv(0xffffffffn, 64)));
  const assertion = and(eq(bin("bvmul", a, b), bv(0x9d5b4c1f2a3e6b27n, 64)), small(a), small(b));
  const started = Date.now();
  const r = await embeddedZ3().check({ assertions: [assertion], observe: [] }, 300);
  assert.equal(r.kind, "unknown", JSON.stringify(r));
  assert.ok(Date.now() - started < 5000, "the limit stopped it");
});

test("z3-embedded: a process that disposes it exits by itself", () => {
  const here = fileURLToPath(new URL("./z3-embedded.js", import.meta.url));
  const code = `const m = await import(${JSON.stringify(here)});
const s = m.embeddedZ3();
const r = await s.check({ assertions: [], observe: [] }, 1000);
console.log(r.kind);
await m.disposeEmbeddedZ3();`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(r.signal, null, "the process ended without being killed");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "sat");
});
