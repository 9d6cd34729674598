#!/usr/bin/env node
// Apply latency for 10, 1,000 and 100,000 rules, stage by stage, as the agent
// applies a policy (KernelEnforcer.apply in src/enforce/kernel-enforcer.ts):
// compile, the fit check (the entries in force, as the engine counted them
// when it wrote them), the SMT policy check (the agent's own policyProblem, which runs
// validateImage), and the write of the inactive generation with the atomic
// switch. The maps are real BPF maps, so it runs only inside the test VM; the
// programs are loaded (they own the maps) but never attached:
//   npx tsc -p . && make -C bpf
//   node dist/cli/main.js vm run --timeout 900 -- node bench/apply-latency.mjs [sizes...] [--reps N] [--shape per-user|mixed]
// Each size gets its own maps, sized for two generations of its policy
// (Engine options maxRules/maxObjects; the agent's defaults are 262,144 rule
// and 65,536 object entries), and `reps` applies, after one warm-up compile
// and check of a small policy. The policies come from src/bench/policy-scale.ts:
// per-user (the default) is one user and one file per rule, the regular shape
// of generated policies; mixed draws every rule at random. Times are wall clock, median and min-max over the
// repetitions; under the VM's TCG emulation they are several times what
// hardware gives, and they swing by tens of percent. 100,000 rules take
// minutes per apply there, so run that size on its own with a longer timeout:
//   node dist/cli/main.js vm run --timeout 900 -- node bench/apply-latency.mjs 10 1000
//   node dist/cli/main.js vm run --timeout 3000 -- node bench/apply-latency.mjs 100000 --reps 3
import { performance } from "node:perf_hooks";

const { testVmProblem } = await import("../dist/vm/guard.js");
const problem = testVmProblem();
if (problem !== undefined) {
  process.stderr.write(
    "apply-latency writes BPF maps, so it runs only in the test VM: node dist/cli/main.js " +
      `vm run --timeout 900 -- node bench/apply-latency.mjs\n(${problem})\n`,
  );
  process.exit(2);
}
const { scalePolicy } = await import("../dist/bench/policy-scale.js");
const { summarize } = await import("../dist/bench/stats.js");
const { compilePolicy } = await import("../dist/compile/index.js");
const { Engine } = await import("../dist/enforce/engine.js");
const { policyProblem, policySolver } = await import("../dist/enforce/gate.js");
const { GENERATION_MAPS } = await import("../dist/enforce/generations.js");

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args.splice(i, 2)[1];
};
const reps = Number(flag("--reps", "5"));
const shape = flag("--shape", "per-user");
const sizes = args.length > 0 ? args.map(Number) : [10, 1_000, 100_000];
const say = (line) => process.stderr.write(`${line}\n`);

const time = async (f) => {
  const t0 = performance.now();
  const value = await f();
  return [value, performance.now() - t0];
};

/** The agent's fit check: entries in force plus the new image, per shared map. */
function fits(engine, image) {
  const inForce = engine.entries(engine.generation);
  return GENERATION_MAPS.every((m) => inForce[m] + image[m].length <= engine.maps[m].maxEntries);
}

/** Two generations of `image`, with room to spare, at least the engine's defaults. */
function engineFor(image) {
  const room = (n, min) => Math.max(min, 2 ** Math.ceil(Math.log2(2 * n + 1024)));
  return Engine.load({
    maxRules: room(image.rules.length, 1 << 18),
    maxObjects: room(image.objects.length, 1 << 16),
  });
}

async function measure(solver, n) {
  const policy = scalePolicy(n, shape);
  const stages = { compile: [], fit: [], check: [], write: [], total: [] };
  let engine;
  let entries = "";
  try {
    for (let r = 0; r < reps; r++) {
      const [image, compileMs] = await time(() => compilePolicy(policy));
      // Loading (not timed) waits for the first image: it sizes the maps.
      engine ??= engineFor(image);
      entries = `${image.rules.length}/${image.objects.length}/${image.net.length}`;
      const [ok, fitMs] = await time(() => fits(engine, image));
      if (!ok) throw new Error(`${n} rules: the image does not fit the maps`);
      const [wrong, checkMs] = await time(() => policyProblem(policy, image, solver));
      if (wrong !== null) throw new Error(`${n} rules: ${wrong}`);
      const before = engine.generation;
      const [gen, writeMs] = await time(() => engine.apply(image));
      if (gen === before) throw new Error(`${n} rules: the switch did not happen`);
      const row = { compile: compileMs, fit: fitMs, check: checkMs, write: writeMs };
      for (const [k, v] of Object.entries(row)) stages[k].push(v);
      stages.total.push(compileMs + fitMs + checkMs + writeMs);
      say(`${n} rules, apply ${r + 1}/${reps}: ${(stages.total.at(-1) / 1000).toFixed(2)} s`);
    }
  } finally {
    await engine?.[Symbol.asyncDispose]();
  }
  return { entries, stages };
}

/** Compiles and checks a small policy once, so the first measured apply meets warm code. */
async function warmUp(solver) {
  const policy = scalePolicy(100, shape);
  const wrong = await policyProblem(policy, compilePolicy(policy), solver);
  if (wrong !== null) throw new Error(`warm-up: ${wrong}`);
}

const ms = (v) => (v < 10 ? v.toFixed(2) : v.toFixed(0));
const cell = (values) => {
  const s = summarize(values);
  return `${ms(s.median)} [${ms(s.min)}-${ms(s.max)}]`;
};

const solver = await policySolver("auto");
if (solver === null) throw new Error("no policy-check solver");
await warmUp(solver);
const rows = [];
for (const n of sizes) {
  const { entries, stages } = await measure(solver, n);
  rows.push({
    rules: n,
    "entries rules/objects/net": entries,
    "compile ms": cell(stages.compile),
    "fit check ms": cell(stages.fit),
    "policy check ms": cell(stages.check),
    "write+switch ms": cell(stages.write),
    "total ms": cell(stages.total),
    "total spread": `${(summarize(stages.total).spread * 100).toFixed(0)}%`,
  });
}
console.log(
  `apply latency, shape ${shape}, solver ${solver.name}, ${reps} applies per size: median [min-max]`,
);
console.table(rows);
