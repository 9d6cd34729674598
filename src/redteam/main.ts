// `npm run redteam` inside the test VM (scripts/redteam.mjs boots it): runs
// the suite, prints the table, the controls and every finding, and exits
// non-zero unless every row that ran was blocked and logged with 0 leaked.
// The agent runs sealed, as the packaged unit runs it. --audit: the suite's
// self-check, the same attempts against the policy in audit mode, where
// nothing may show as blocked; it runs unsealed, since the seal refuses
// tampering whatever the policy's mode. --unsealed: skip the seal in enforce
// mode too (the rows that need it are listed as pending).
import { requireTestVm } from "../vm/guard.js";
import { passed, renderFindings, renderSummary, renderTable } from "./report.js";
import { runRedteam } from "./suite.js";

requireTestVm();
const mode = process.argv.includes("--audit") ? "audit" : "enforce";
const sealed = mode === "enforce" && !process.argv.includes("--unsealed");
const say = (l: string) => process.stderr.write(`redteam: ${l}\n`);
const report = await runRedteam({ sealed, mode, say });
console.log(renderTable(report));
console.log("");
for (const l of renderFindings(report)) console.log(l);
console.log(renderSummary(report));
process.exit(passed(report) ? 0 : 1);
