// `proofwall doctor`: can this machine enforce, and if not, why.
import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("doctor")
    .description(
      "check whether this machine can enforce (BPF LSM, BTF, lockdown, capabilities, libbpf)",
    )
    .option("--json", "print the report as JSON")
    .action(async (opts: { json?: boolean }) => {
      const { runChecks } = await import("../doctor/checks.js");
      const { judge, renderReport } = await import("../doctor/report.js");
      const { thisMachine } = await import("../doctor/system.js");
      const report = judge(runChecks(thisMachine));
      console.log(opts.json ? JSON.stringify(report, null, 2) : renderReport(report));
      process.exitCode = report.canEnforce ? 0 : 1;
    });
}
