// `proofwall prove [objects...]`: every obligation of every program, through
// the direct SMT route (z3, cvc5) and the Why3 route (z3, cvc4 by default),
// printed as one table. Exit 0 when every program meets its expectation and
// the routes agree everywhere; 1 otherwise; 2 on a usage or setup error.
// `--replay` re-runs the sessions a previous run saved under build/proofs.
// Programs with a functional specification (verifier/spec/) get a second
// entry, <program>_spec, whose obligations are the spec's clauses.
import type { Command } from "commander";
import { withKernelBtf } from "./kernel-btf-option.js";

export interface ProveFlags {
  readonly timeout: string;
  readonly why3Provers: string;
  readonly runFolded: boolean;
  readonly replay: boolean;
  readonly table: boolean;
  readonly fixtures: boolean;
  readonly maxPaths: string;
  readonly specs: boolean;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

/** `proofsDir` (default build/proofs) is where Why3 sessions are saved; tests pass a scratch one. */
export async function runProve(
  objects: readonly string[],
  flags: ProveFlags,
  proofsDir?: string,
): Promise<number> {
  const w = await import("../verifier/why3/index.js");
  const setup = w.why3Setup();
  const options = {
    provers: flags.why3Provers.split(",").filter((p) => p !== ""),
    timeoutSeconds: Number(flags.timeout),
    runFolded: flags.runFolded,
    proofsDir: proofsDir ?? w.defaultProofsDir(),
  };
  const files = objects.length > 0 ? objects : w.defaultObjects(flags.fixtures);
  const t0 = performance.now();
  let failed = 0;
  const all = [];
  const programs = (file: string) => [
    ...w.objectObligations(file, Number(flags.maxPaths)),
    ...(flags.specs ? w.objectSpecObligations(file, Number(flags.maxPaths)) : []),
  ];
  for (const file of files)
    for (const p of programs(file)) {
      if (flags.replay) {
        const r = await w.replayProgram(setup, p, options);
        out(`${p.object}/${p.program}: replay ${r.ok ? "ok" : "FAILED"}: ${r.output}`);
        failed += r.ok ? 0 : 1;
        continue;
      }
      const report = await w.proveProgram(setup, p, options);
      if (flags.table)
        w.table(report.rows)
          .slice(all.length === 0 ? 0 : 1)
          .forEach((l) => out(l));
      all.push(...report.rows);
      const verdict = report.ok ? "ok" : "FAILED";
      out(`# ${p.object}/${p.program} (${report.expect}): ${verdict}, ${w.summary(report.rows)}`);
      report.problems.forEach((m) => out(`#   ${m}`));
      failed += report.ok ? 0 : 1;
    }
  if (!flags.replay) out(`# total: ${w.summary(all)}`);
  out(
    `# ${failed === 0 ? "all programs ok" : `${failed} programs FAILED`} in ${((performance.now() - t0) / 1000).toFixed(1)}s`,
  );
  return failed === 0 ? 0 : 1;
}

export function register(program: Command): void {
  withKernelBtf(program.command("prove"))
    .description("prove every obligation of eBPF objects through the SMT and Why3 routes")
    .argument("[objects...]", "compiled objects (default: build/bpf/*.bpf.o)")
    .option("--timeout <seconds>", "per solver call", "10")
    .option(
      "--why3-provers <ids>",
      "Why3 provers: z3,cvc4 and, registered by hand, cvc5",
      "z3,cvc4",
    )
    .option("--run-folded", "also send obligations folded to true through Why3", false)
    .option("--replay", "replay the sessions saved by a previous run instead", false)
    // pw_bpf, the largest program that explores completely, takes 1041 paths.
    .option("--max-paths <n>", "paths explored per program before giving up", "1100")
    .option("--fixtures", "also prove the test fixtures in build/bpf/test-data", false)
    .option("--no-table", "print only the per-program summaries")
    .option("--no-specs", "skip the functional specifications (<program>_spec rows)")
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2))
    .action(async (objects: string[], flags: ProveFlags) => {
      try {
        process.exitCode = await runProve(objects, flags);
      } catch (e) {
        process.stderr.write(`prove: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 2;
      }
    });
}
