// The agreement of both routes on every obligation of the assembly fixtures
// of smt/prove.test.ts and of every object in build/bpf (Proofwall's programs
// and its test fixtures): no obligation may be proved by one backend and
// refuted by another, every obligation is either proved by all four
// backends or refuted, and the fixtures' known bugs are the refuted ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { program } from "../smt/test-programs.js";
import { rows, summary, table, type Row } from "./agreement.js";
import { defaultObjects, proveProgram } from "./prove-programs.js";
import { objectObligations } from "./program-obligations.js";
import { smtRoute, why3Route } from "./routes.js";
import { scratchDir } from "./test-support.js";
import { why3Setup } from "./why3-config.js";
import { ASM_FIXTURES } from "./test-data/asm-fixtures.js";

const MAX_PATHS = 1100;
const options = { provers: ["z3", "cvc4"], timeoutSeconds: 10, runFolded: true };

function consistent(all: readonly Row[]) {
  console.log(table(all).join("\n"));
  console.log(summary(all));
  for (const r of all) {
    assert.notEqual(r.agreement, "disagree", `${r.program} ${r.obligation.id}`);
    assert.notEqual(r.agreement, "inconclusive", `${r.program} ${r.obligation.id}`);
  }
}

test("asm fixtures: both routes agree, and exactly the known bugs are refuted", async () => {
  const setup = why3Setup();
  const dir = scratchDir();
  const all: Row[] = [];
  for (const f of ASM_FIXTURES) {
    const obs = program(f.source, f.over).exploration.obligations;
    const direct = await smtRoute(obs, 5000);
    const why3 = await why3Route(setup, f.name, obs, join(dir, f.name), options);
    const found = rows(f.name, obs, direct, why3);
    const refuted = found.filter((r) => r.agreement === "refuted").map((r) => r.obligation.id);
    assert.deepEqual(refuted, f.refuted, f.name);
    all.push(...found);
  }
  consistent(all);
});

// The unit suite compares the routes on two small objects; every object (with
// self_protect and enforce_file, which take tens of minutes on a loaded
// two-core machine) is compared by `npm run prove`.
const QUICK = ["file_guard.bpf.o", "binding_probe.bpf.o"];
for (const file of defaultObjects(true).filter((f) => QUICK.some((q) => f.endsWith(`/${q}`))))
  test(`${file.replace(/.*\/build\//, "build/")}: both routes agree on every obligation`, async () => {
    const setup = why3Setup();
    const proofsDir = scratchDir();
    const all: Row[] = [];
    for (const p of objectObligations(file, MAX_PATHS)) {
      // A truncated exploration has incomplete obligations: nothing to compare.
      if (p.truncated) console.log(`${p.object}/${p.program}: truncated at ${p.paths} paths`);
      else
        all.push(
          ...(await proveProgram(setup, p, { ...options, runFolded: false, proofsDir })).rows,
        );
    }
    consistent(all);
  });
