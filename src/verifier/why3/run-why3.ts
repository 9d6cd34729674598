// Runs Why3 on one program's module through a session directory: the module
// text and a fresh session listing every (goal, prover) attempt are written,
// `why3 replay -f` runs the attempts (in parallel, as the config allows) and
// saves their results, which are read back from the session file. `replay`
// re-checks a saved session and reports whether every result still holds.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readResults, sessionXml, type GoalResult } from "./session.js";
import type { Why3Prover, Why3Setup } from "./why3-config.js";
import type { WhymlModule } from "./whyml-module.js";

export interface Why3Options {
  /** prover ids to run (z3, cvc4, cvc5); unknown ids are an error */
  readonly provers: readonly string[];
  readonly timeoutSeconds: number;
}

interface Exit {
  readonly code: number | null;
  readonly output: string;
}

function why3(setup: Why3Setup, args: readonly string[], killAfterMs: number): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn("why3", ["replay", "-C", setup.configPath, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ code: null, output: `why3: ${e.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export function selectProvers(setup: Why3Setup, ids: readonly string[]): Why3Prover[] {
  return ids.map((id) => {
    const p = setup.provers.find((x) => x.id === id);
    if (!p) throw new Error(`why3: prover ${id} is not configured in ${setup.configPath}`);
    return p;
  });
}

/** Worst case wall time of a replay: every attempt times out, on the config's parallelism. */
const budgetMs = (attempts: number, o: Why3Options): number =>
  (attempts * (o.timeoutSeconds + 2) + 60) * 1000;

export async function proveModule(
  setup: Why3Setup,
  module: WhymlModule,
  dir: string,
  options: Why3Options,
): Promise<GoalResult[]> {
  const provers = selectProvers(setup, options.provers);
  if (module.goals.length === 0) return [];
  const file = `${module.name.toLowerCase()}.mlw`;
  mkdirSync(dir, { recursive: true });
  for (const stale of ["why3shapes.gz", "why3shapes.gz.bak", "why3session.xml.bak"])
    rmSync(join(dir, stale), { force: true });
  writeFileSync(join(dir, file), module.text);
  const spec = {
    file,
    module: module.name,
    goals: module.goals.map((g) => g.name),
    provers,
    timeoutSeconds: options.timeoutSeconds,
  };
  writeFileSync(join(dir, "why3session.xml"), sessionXml(spec));
  const run = await why3(
    setup,
    ["-q", "-f", dir],
    budgetMs(spec.goals.length * provers.length, options),
  );
  const results = readResults(readFileSync(join(dir, "why3session.xml"), "utf8"));
  if (run.code === null || results.some((r) => !r.ran))
    throw new Error(`why3: replay of ${dir} did not complete: ${run.output.slice(0, 2000)}`);
  return results;
}

/** Replays a saved session; ok is false when some result differs from the saved one. */
export async function replay(
  setup: Why3Setup,
  dir: string,
  options: Why3Options,
): Promise<{ readonly ok: boolean; readonly output: string }> {
  const attempts = readResults(readFileSync(join(dir, "why3session.xml"), "utf8")).length;
  const run = await why3(setup, ["-q", dir], budgetMs(attempts, options));
  return { ok: run.code === 0, output: run.output.trim() };
}
