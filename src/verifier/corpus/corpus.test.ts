// The corpus of broken programs: every planted bug is reported as violated
// (counterexample replayed) with the inventory's kind at the line marked BUG,
// every fixed twin is proved, and every expected failure still fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { processSolver, Z3 } from "../smt/index.js";
import { verifyObject } from "../verify.js";
import { buildCorpus, corpusSources } from "./build-corpus.js";
import { describeMiss, hitsBug, notProved } from "./check-corpus.js";
import { readInventory } from "./inventory.js";

const solver = processSolver(Z3);

async function verify(bytes: Buffer, name: string) {
  const r = await verifyObject(bytes, { solver, fileName: name, concurrency: 4 });
  assert.equal(r.kind, "ok", r.kind === "input-error" ? r.messages.join("\n") : "");
  if (r.kind !== "ok") throw new Error("unreachable");
  return r.result;
}

test("corpus: the inventory lists every program and at least 20 planted bugs", () => {
  const inventory = readInventory();
  assert.deepEqual(inventory.map((e) => e.program).sort(), corpusSources());
  assert.ok(inventory.filter((e) => e.status === "reject").length >= 20);
});

test("corpus: planted bugs at the right line, fixed twins proved, expected failures still failing", async () => {
  const inventory = new Map(readInventory().map((e) => [e.program, e]));
  const misses: string[] = [];
  let planted = 0;
  let found = 0;
  for (const program of buildCorpus()) {
    const entry = inventory.get(program.source);
    assert.ok(entry, `${program.source} is in the inventory`);
    const buggy = await verify(program.buggy, program.source);
    const fixed = await verify(program.fixed, `${program.source} -DFIXED`);
    switch (entry.status) {
      case "reject":
        planted++;
        if (hitsBug(buggy, entry, program.bugLine)) found++;
        else misses.push(describeMiss(buggy, program, entry));
        for (const why of notProved(fixed)) misses.push(`${program.source} -DFIXED: ${why}`);
        break;
      case "expected_failure":
        // Still failing where the inventory says; if it now passes, update the inventory.
        if (
          !buggy.programs.some((p) =>
            p.obligations.some(
              (o) =>
                o.kind === entry.kind &&
                o.status !== "proved" &&
                o.source?.line === program.bugLine,
            ),
          )
        )
          misses.push(
            `${program.source}: expected failure no longer fails (${entry.reason}); update inventory.json`,
          );
        break;
      case "pass":
        for (const why of notProved(buggy)) misses.push(`${program.source}: ${why}`);
        break;
      default:
        entry.status satisfies never;
    }
  }
  console.log(`corpus: ${found}/${planted} planted bugs reported at the right line`);
  assert.deepEqual(misses, []);
});
