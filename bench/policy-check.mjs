#!/usr/bin/env node
// Time of the apply-time policy check (compile, then prove the image equal to
// decide()) for 10, 1,000 and 100,000 rules:
//   node bench/policy-check.mjs [sizes...] [--shape mixed|per-user|network] [--solver z3-embedded|z3|cvc5]
//     [--corrupt N]
// --corrupt N also times N corrupted images per size: one entry dropped (from
// pw_net for the network shape, else pw_rules) and, for the network shape, one
// pw_net key's prefix made one longer (which sends the network part to the
// exact check per class of destinations).
// Needs `npx tsc -p .` first. Runs on the host: nothing touches a kernel.
// Wall time is noisy on a shared machine; the CPU times (this process, the
// wasm solver included; not a z3/cvc5 child process) are the steadier numbers.
import { performance } from "node:perf_hooks";
const { scalePolicy } = await import("../dist/bench/policy-scale.js");
const { compilePolicy } = await import("../dist/compile/index.js");
const { validateImage } = await import("../dist/verifier/policy-check/index.js");
const z3e = await import("../dist/verifier/smt/z3-embedded.js");
const smt = await import("../dist/verifier/smt/index.js");

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args.splice(i, 2)[1];
};
const shapes = flag("--shape", "mixed,per-user,network").split(",");
const solverName = flag("--solver", "z3-embedded");
const corrupt = Number(flag("--corrupt", "0"));
const sizes = args.length > 0 ? args.map(Number) : [10, 1_000, 100_000];
const solver =
  solverName === "z3-embedded"
    ? z3e.embeddedZ3Script()
    : smt.processScript(solverName === "z3" ? smt.Z3 : smt.CVC5);

// The wasm instance starts once per process (1-3 s); the agent pays it once, not per apply.
const s0 = performance.now();
await solver.run("(check-sat)\n", 10_000);
const startup = performance.now() - s0;

const prefixOf = (e) => e.key.readUInt32LE(0) - 128;
const bitsOf = (e) => (e.key.readUInt8(6) === 4 ? 32 : 128);

/** The first pw_net entry from i on with a prefix shorter than its address, that prefix one longer
 * (still a key the trie takes: the address keeps its bits). */
function longerPrefix(image, from) {
  let i = from;
  while (i < image.net.length && prefixOf(image.net[i]) >= bitsOf(image.net[i])) i++;
  const net = image.net.map((e, j) => {
    if (j !== i) return e;
    const key = Buffer.from(e.key);
    key.writeUInt32LE(key.readUInt32LE(0) + 1, 0);
    return { key, value: e.value };
  });
  return [i, { ...image, net }];
}

function corruptions(shape, image) {
  const out = [];
  const map = shape === "network" ? "net" : "rules";
  for (let k = 1; k <= corrupt; k++) {
    const i = Math.floor((image[map].length * k) / (corrupt + 1));
    out.push([
      `${map} entry ${i} dropped`,
      { ...image, [map]: image[map].filter((_e, j) => j !== i) },
    ]);
    if (shape === "network") {
      const [j, img] = longerPrefix(image, i);
      out.push([`net entry ${j} (/${prefixOf(image.net[j])}) prefix + 1`, img]);
    }
  }
  return out;
}

const bad = [];
async function timeCorruptions(shape, n, policy, image) {
  for (const [what, img] of corruptions(shape, image)) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const v = await validateImage(policy, img, { solver });
    const cpu = process.cpuUsage(c0);
    process.stderr.write(
      `  ${what}: ${v.kind} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    bad.push({
      shape,
      rules: n,
      corruption: what,
      verdict: v.kind,
      net_levels: v.kind === "valid" ? v.network.levels : "-",
      net_addresses: v.kind === "valid" ? v.network.addresses : "-",
      check_ms: (performance.now() - t0).toFixed(0),
      check_cpu_ms: ((cpu.user + cpu.system) / 1000).toFixed(0),
    });
  }
}

const rows = [];
for (const shape of shapes)
  for (const n of sizes) {
    const policy = scalePolicy(n, shape);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const image = compilePolicy(policy);
    const compileMs = performance.now() - t0;
    const compileCpu = process.cpuUsage(c0);
    const v = await validateImage(policy, image, { solver });
    const total = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    rows.push({
      shape,
      rules: n,
      entries: image.rules.length + image.net.length,
      verdict: v.kind,
      positions: v.kind === "valid" ? v.positions : "-",
      identical: v.kind === "valid" ? v.identical : "-",
      lemmas: v.kind === "valid" ? v.lemmas : "-",
      problems: v.kind === "valid" ? v.problems : "-",
      net_positions: v.kind === "valid" ? v.network.positions : "-",
      queries: v.kind === "valid" ? v.queries : "-",
      solver_ms: v.kind === "valid" ? v.solverMs.toFixed(0) : "-",
      compile_ms: compileMs.toFixed(0),
      check_ms: (total - compileMs).toFixed(0),
      compile_cpu_ms: ((compileCpu.user + compileCpu.system) / 1000).toFixed(0),
      check_cpu_ms: ((cpu.user + cpu.system - compileCpu.user - compileCpu.system) / 1000).toFixed(
        0,
      ),
      heap_mb: (process.memoryUsage().heapUsed / 1e6).toFixed(0),
    });
    process.stderr.write(`${shape} ${n}: ${v.kind} in ${(total / 1000).toFixed(1)} s\n`);
    await timeCorruptions(shape, n, policy, image);
  }
await z3e.disposeEmbeddedZ3();
console.log(`solver ${solver.name}; solver start-up (once per process) ${startup.toFixed(0)} ms`);
console.table(rows);
if (bad.length > 0) console.table(bad);
