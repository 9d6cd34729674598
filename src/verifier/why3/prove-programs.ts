// Both routes over the programs of compiled objects. Sessions are kept under
// build/proofs/<object>/<program>/: they are derived from build/bpf (the
// objects clang produced), so they live and die with the build, and a later
// `--replay` regenerates the module and re-runs the saved session to show
// that every saved result still holds. Objects named rejected_* are fixtures
// the kernel verifier must reject: they pass when a route refutes them.
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rows, unsafe, type Row } from "./agreement.js";
import type { ProgramObligations } from "./program-obligations.js";
import { replay } from "./run-why3.js";
import { smtRoute, why3Goals, why3Route, type Why3RouteOptions } from "./routes.js";
import { repoRoot, type Why3Setup } from "./why3-config.js";
import { whymlModule } from "./whyml-module.js";

export type Expectation = "safe" | "rejected";

export interface ProgramReport {
  readonly object: string;
  readonly program: string;
  readonly expect: Expectation;
  readonly rows: readonly Row[];
  readonly ok: boolean;
  readonly problems: readonly string[];
}

export interface ProveOptions extends Why3RouteOptions {
  readonly proofsDir: string;
}

export const defaultProofsDir = (): string => join(repoRoot, "build", "proofs");

/** Proofwall's own objects, build/bpf/*.bpf.o, and with `fixtures` those of build/bpf/test-data. */
export function defaultObjects(fixtures = false, root = repoRoot): string[] {
  const own = join(root, "build", "bpf");
  const dirs = fixtures ? [own, join(own, "test-data")] : [own];
  return dirs
    .filter((d) => existsSync(d))
    .flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith(".bpf.o"))
        .sort()
        .map((f) => join(d, f)),
    );
}

export const expectation = (object: string): Expectation =>
  object.startsWith("rejected_") ? "rejected" : "safe";

export const sessionDir = (options: ProveOptions, p: ProgramObligations): string =>
  join(options.proofsDir, p.object, p.program);

function problems(p: ProgramObligations, all: readonly Row[], expect: Expectation): string[] {
  const out: string[] = [];
  for (const r of all.filter((x) => x.agreement === "disagree"))
    out.push(`${p.program}: routes disagree on ${r.obligation.id}`);
  const bad = all.filter(unsafe);
  if (expect === "safe")
    for (const r of bad) out.push(`${p.program}: ${r.obligation.id} is ${r.agreement}`);
  if (expect === "rejected" && !bad.some((r) => r.agreement === "refuted"))
    out.push(`${p.program}: expected a refuted obligation, found none`);
  return out;
}

export async function proveProgram(
  setup: Why3Setup,
  p: ProgramObligations,
  options: ProveOptions,
): Promise<ProgramReport> {
  const expect = expectation(p.object);
  // Incomplete obligations cannot verify a program; proving them would only cost time.
  if (p.truncated) {
    const why = `${p.program}: exploration truncated at ${p.paths} paths, not proved`;
    return { object: p.object, program: p.program, expect, rows: [], ok: false, problems: [why] };
  }
  const direct = await smtRoute(p.obligations, options.timeoutSeconds * 1000);
  const dir = sessionDir(options, p);
  const why3 = await why3Route(setup, p.program, p.obligations, dir, options);
  const all = rows(p.program, p.obligations, direct, why3);
  const found = problems(p, all, expect);
  return {
    object: p.object,
    program: p.program,
    expect,
    rows: all,
    ok: found.length === 0,
    problems: found,
  };
}

/** Regenerates the module next to its saved session and replays the session. */
export async function replayProgram(
  setup: Why3Setup,
  p: ProgramObligations,
  options: ProveOptions,
): Promise<{ readonly ok: boolean; readonly output: string }> {
  const dir = sessionDir(options, p);
  const module = whymlModule(p.program, why3Goals(p.obligations, options.runFolded));
  if (module.goals.length === 0) return { ok: true, output: "no goals" };
  if (!existsSync(join(dir, "why3session.xml")))
    return { ok: false, output: `no saved session in ${dir}` };
  writeFileSync(join(dir, `${module.name.toLowerCase()}.mlw`), module.text);
  return replay(setup, dir, options);
}
