#!/usr/bin/env node
// `npm run redteam`: the red-team suite (src/redteam/) against the real agent,
// in the test VM unless already inside it. Prints the table; exits non-zero
// when anything leaked, was not blocked, or was not logged.
//   npm run redteam [-- --audit | --unsealed]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { certifyForTestVm } from "./certify.mjs";

const main = fileURLToPath(new URL("../dist/redteam/main.js", import.meta.url));
const args = process.argv.slice(2);
const argv =
  process.env.PROOFWALL_IN_VM === "1"
    ? [main, ...args]
    : [
        fileURLToPath(new URL("../dist/cli/main.js", import.meta.url)),
        "vm",
        "run",
        "--timeout",
        "1800",
        "--",
        process.execPath,
        main,
        ...args,
      ];
// The agent it attacks loads certified objects only; inside the VM the caller made them.
if (process.env.PROOFWALL_IN_VM !== "1") {
  const code = await certifyForTestVm();
  if (code !== 0) process.exit(code);
}
const r = spawnSync(process.execPath, argv, { stdio: "inherit" });
process.exit(r.status ?? 1);
