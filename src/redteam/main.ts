// `npm run redteam` inside the test VM (scripts/redteam.mjs boots it): runs
// the suite, prints the table, the controls and every finding, and exits
// non-zero unless every row that ran was blocked and logged with 0 leaked.
// --audit: the suite's self-check, the same attempts against the policy in
// audit mode, where nothing may show as blocked. --sealed: the tamper rows
// that need a sealed agent.
import { requireTestVm } from "../vm/guard.js";
import { passed, renderFindings, renderSummary, renderTable } from "./report.js";
import { runRedteam } from "./suite.js";

requireTestVm();
const sealed = process.argv.includes("--sealed");
const mode = process.argv.includes("--audit") ? "audit" : "enforce";
const say = (l: string) => process.stderr.write(`redteam: ${l}\n`);
const report = await runRedteam({ sealed, mode, say });
console.log(renderTable(report));
console.log("");
for (const l of renderFindings(report)) console.log(l);
console.log(renderSummary(report));
process.exit(passed(report) ? 0 : 1);
