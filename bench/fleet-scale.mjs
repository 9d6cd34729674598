#!/usr/bin/env node
// Fleet propagation latency: 1,000 simulated agents (in a few worker
// processes) watching one real etcd; prints publish->applied p50/p99.
//   node bench/fleet-scale.mjs [AGENTS] [WORKERS] [ROUNDS] [--full-apply]
// Without --full-apply the agents' apply is a stub (distribution only); with
// it, every agent checks and compiles the policy through its own Daemon, which
// serialises hundreds of applies on each worker's one thread.
// Needs `npm run build:ts` and Debian's etcd-server (scripts/setup.sh).
import { fileURLToPath } from "node:url";

if (process.argv[2] === "--worker") {
  const [first, count, url, trustedKeys, stateRoot, full] = process.argv.slice(3);
  const { runSimulatedAgents } = await import("../dist/bench/fleet-sim.js");
  const stop = await runSimulatedAgents({
    url,
    trustedKeys,
    stateRoot,
    first: Number(first),
    count: Number(count),
    heartbeatMs: 10000,
    leaseTtlS: 30,
    fullApply: full === "full",
  });
  process.on("SIGTERM", () => void stop().then(() => process.exit(0)));
  console.log("ready");
} else {
  const fullApply = process.argv.includes("--full-apply");
  const numbers = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const [agents = 1000, workers = 4, rounds = 5] = numbers.map(Number);
  const { measureFleetScale, renderScale } = await import("../dist/bench/fleet-scale.js");
  const results = await measureFleetScale({
    agents,
    workers,
    rounds,
    fullApply,
    workerScript: fileURLToPath(import.meta.url),
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  console.log(renderScale(agents, fullApply, results));
}
