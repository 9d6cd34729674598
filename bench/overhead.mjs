#!/usr/bin/env node
// Overhead of Proofwall's kernel programs, measured in one boot: open+close,
// TCP connect and fork+exec loops with no Proofwall and with the enforcement
// engine (every enforce_* program) under a 10-rule policy and two
// 100,000-rule ones (mixed subject shapes; users only, as the 10-rule one),
// interleaved round by round, with bpf_stats per program and operation. Runs
// inside the test VM unless this kernel has BPF LSM (then it runs here).
//   npm run bench:overhead [-- ROUNDS] [--rules N] [--file-guard]
// --file-guard measures the single-hook file_guard prototype instead.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args.splice(i, 2)[1];
};
const fileGuard = args.includes("--file-guard");
const rules = Number(option("--rules", "100000"));
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 9);
if (process.env.PROOFWALL_IN_VM !== "1") {
  const main = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(
    process.execPath,
    [
      main,
      "vm",
      "run",
      "--timeout",
      "2400",
      "--",
      process.execPath,
      self,
      ...process.argv.slice(2),
    ],
    { stdio: "inherit" },
  );
  process.exit(r.status ?? 1);
}
const log = (s) => process.stderr.write(`${s}\n`);
const { renderOverhead } = await import("../dist/bench/overhead-table.js");
const rows = fileGuard
  ? await (
      await import("../dist/bench/file-guard-overhead.js")
    ).measureFileGuardOverhead(rounds, log)
  : await (
      await import("../dist/bench/engine-overhead.js")
    ).measureEngineOverhead(rounds, rules, log);
console.log(renderOverhead(rows));
