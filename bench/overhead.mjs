#!/usr/bin/env node
// Overhead of Proofwall's kernel programs, measured in one boot. Runs inside
// the test VM unless this kernel has BPF LSM (then it runs here).
//   npm run bench:overhead [-- ROUNDS]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const rounds = Number(process.argv[2] ?? 9);
if (process.env.PROOFWALL_IN_VM !== "1") {
  const main = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(
    process.execPath,
    [main, "vm", "run", "--", process.execPath, self, String(rounds)],
    { stdio: "inherit" },
  );
  process.exit(r.status ?? 1);
}
const { measureFileGuardOverhead, renderOverhead } =
  await import("../dist/bench/file-guard-overhead.js");
const rows = await measureFileGuardOverhead(rounds, (s) => process.stderr.write(`${s}\n`));
console.log(renderOverhead(rows));
