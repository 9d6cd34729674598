#!/usr/bin/env node
// Verifier throughput over the corpus and the project's objects, per solver:
//   node bench/verify.mjs [z3-embedded z3 cvc5]
// Needs `npx tsc -p .` and `make -C bpf` first (clang-19 builds the corpus).
const { benchSolver, benchTargets, renderThroughput } =
  await import("../dist/bench/verify-throughput.js");
const { disposeEmbeddedZ3 } = await import("../dist/verifier/smt/z3-embedded.js");
const solvers =
  process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["z3-embedded", "z3", "cvc5"];
const targets = benchTargets();
const rows = [];
for (const s of solvers)
  rows.push(await benchSolver(s, targets, (l) => process.stderr.write(`${l}\n`)));
await disposeEmbeddedZ3();
console.log(renderThroughput(rows));
