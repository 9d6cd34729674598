// `proofwall demo`: the first enforcement, end to end. Where this kernel can
// enforce (BPF LSM active) it runs here; elsewhere it runs in the test VM.
// The agent demo first makes (or reuses) the certificates of the objects the
// agent loads, for the kernel they will run on, and loads nothing else.
import type { Command } from "commander";
import { fileURLToPath } from "node:url";

async function runHere(first: boolean): Promise<void> {
  const say = (line: string) => console.log(line);
  const ok = first
    ? await (await import("../demo/scenario.js")).runDemo(say)
    : await (await import("../demo/agent-demo.js")).runAgentDemo(say);
  console.log(
    ok
      ? "\ndemo: every step behaved as expected"
      : "\ndemo: FAILED: a step did not behave as expected",
  );
  process.exitCode = ok ? 0 : 1;
}

async function runInTestVm(first: boolean): Promise<void> {
  const { runInVm } = await import("../vm/index.js");
  console.log("demo: this kernel cannot enforce (see `proofwall doctor`); running in the test VM");
  const main = fileURLToPath(new URL("./main.js", import.meta.url));
  const r = await runInVm({
    argv: [process.execPath, main, "demo", "--here", ...(first ? ["--first-program"] : [])],
    onStdout: (t) => process.stdout.write(t),
    onStderr: (t) => process.stderr.write(t),
    onLog: (l) => process.stderr.write(`${l}\n`),
  });
  process.exitCode = r.exitCode;
}

/**
 * The agent demo loads only certified objects (no --allow-unverified):
 * certificates for the kernel it will run on, proved once and reused after.
 */
async function certified(here: boolean): Promise<boolean> {
  console.log(
    `demo: certificates for the objects the agent loads, against ${here ? "this" : "the test VM's"} kernel ` +
      "(proofwall build --reuse: minutes the first time, cached after)",
  );
  const { certifyProductObjects } = await import("./certify-objects.js");
  const code = await certifyProductObjects(here ? "running" : "test-vm");
  if (code === 0) return true;
  console.log("\ndemo: FAILED: an object did not prove, and the agent refuses uncertified objects");
  process.exitCode = code;
  return false;
}

async function canEnforceHere(): Promise<boolean> {
  const { runChecks } = await import("../doctor/checks.js");
  const { judge } = await import("../doctor/report.js");
  const { thisMachine } = await import("../doctor/system.js");
  return judge(runChecks(thisMachine)).canEnforce;
}

export function register(program: Command): void {
  program
    .command("demo")
    .description(
      "run the agent with a policy that protects a directory of secrets: denials, events, explain, a runtime apply, kill -9, adoption, uninstall",
    )
    .option("--here", "run on this kernel even if doctor says it cannot enforce")
    .option(
      "--first-program",
      "the minimal demo instead: one LSM program guards one file from one cgroup",
    )
    .action(async (opts: { here?: boolean; firstProgram?: boolean }) => {
      const first = opts.firstProgram === true;
      // --here: the caller (the outer demo, or an operator) made the certificates.
      if (opts.here) return runHere(first);
      const here = await canEnforceHere();
      if (!first && !(await certified(here))) return;
      if (here) await runHere(first);
      else await runInTestVm(first);
    });
}
