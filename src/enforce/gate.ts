// What stands between the agent and the kernel: every object it loads must
// carry a matching certificate of proved obligations (`proofwall build`), and
// every compiled policy must be proved, by SMT, to decide as the YAML does
// before its maps are written. Overrides are explicit and logged loudly.
import { spawnSync } from "node:child_process";
import type { Logger } from "pino";
import type { MapImage } from "../compile/image.js";
import type { Policy } from "../policy/index.js";
import { bpfObjectPath } from "../paths.js";
import { runningKernelBtfSha256 } from "../verifier/btf/index.js";
import { checkCertificate } from "../verifier/certificate/index.js";
import { validateImage } from "../verifier/policy-check/index.js";
import type { ScriptSolver } from "../verifier/smt/solver.js";

export type PolicyCheckMode = "auto" | "embedded" | "z3" | "off";

/** "auto": the z3 process when installed (the wasm build is slow to start), else the embedded one. */
export async function policySolver(mode: PolicyCheckMode): Promise<ScriptSolver | null> {
  if (mode === "off") return null;
  const haveZ3 = () => spawnSync("z3", ["--version"], { encoding: "utf8" }).status === 0;
  if (mode === "z3" || (mode === "auto" && haveZ3())) {
    const { processScript, Z3 } = await import("../verifier/smt/process-solver.js");
    return processScript(Z3);
  }
  const { embeddedZ3Script } = await import("../verifier/smt/z3-embedded.js");
  return embeddedZ3Script();
}

/** Null when `image` decides every request as decide() does; else why not, naming a request. */
export async function policyProblem(
  policy: Policy,
  image: MapImage,
  solver: ScriptSolver,
): Promise<string | null> {
  const r = await validateImage(policy, image, { solver });
  switch (r.kind) {
    case "valid":
      return null;
    case "differs":
      return (
        `verify: the compiled maps decide ${JSON.stringify(r.request, bigints)} as ` +
        `${JSON.stringify(r.encoded)}, the policy as ${JSON.stringify(r.expected)}`
      );
    case "unknown":
      return `verify: the solver gave no verdict: ${r.reason}`;
    case "malformed":
      return `verify: malformed map image: ${r.reason}`;
  }
}

const bigints = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

/**
 * Throws unless every object has a valid certificate; with `allowUnverified`
 * it logs each problem as an error and goes on. Returns the problems.
 */
export function certificateGate(
  objects: readonly string[],
  allowUnverified: boolean,
  log: Logger,
  pathOf: (name: string) => string = bpfObjectPath,
): string[] {
  const problems: string[] = [];
  const kernel = runningKernelBtfSha256();
  for (const name of objects) {
    const c = checkCertificate(pathOf(name), kernel);
    if (c.kind === "valid") continue;
    const detail = c.kind === "unproved" ? `${c.reason}: ${c.unproved.join("; ")}` : c.reason;
    problems.push(`${name}: ${detail}`);
  }
  if (problems.length === 0) return problems;
  if (!allowUnverified)
    throw new Error(
      `load: refusing objects without a valid verification certificate (run \`proofwall build\`, ` +
        `or pass --allow-unverified): ${problems.join(" | ")}`,
    );
  for (const p of problems)
    log.error({ object: p }, "LOADING AN UNVERIFIED OBJECT (--allow-unverified)");
  return problems;
}
