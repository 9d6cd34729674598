// The Why3 configuration Proofwall uses: its own file under the project's
// cache directory, created by `why3 config detect` on first use, so nothing
// depends on whether (or how) someone ran Why3 on this machine before
// (~/.why3.conf is never read: every why3 call passes -C). Why3 1.5.1 has
// no detection entry and no driver for cvc5; when cvc5 is installed it is
// registered by hand with the CVC4 1.6 SMT-LIB driver, which it accepts.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, from this module's place in dist/verifier/why3/. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export const defaultConfigPath = (): string => join(repoRoot, ".cache", "why3", "why3.conf");

/** A prover as a session names it: Why3's name and version. */
export interface Why3Prover {
  /** the short name Proofwall uses: z3, cvc4, cvc5 */
  readonly id: string;
  readonly name: string;
  readonly version: string;
}

export interface Why3Setup {
  readonly configPath: string;
  readonly provers: readonly Why3Prover[];
}

const why3 = (args: readonly string[]): string =>
  execFileSync("why3", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

function which(command: string): string | undefined {
  try {
    return execFileSync("which", [command], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function cvc5Section(path: string): string {
  const version = /version ([0-9.]+)/.exec(
    execFileSync(path, ["--version"], { encoding: "utf8" }),
  )?.[1];
  return [
    "",
    "[prover]",
    `command = "${path} --tlimit-per=%t000 --lang=smt2 %f"`,
    `command_steps = "${path} --rlimit=%S --lang=smt2 %f"`,
    'driver = "cvc4_16"',
    'name = "CVC5"',
    'shortcut = "cvc5"',
    `version = "${version ?? "unknown"}"`,
    "",
  ].join("\n");
}

/** Creates the config file if it is missing: detected provers, cvc5, all cores. */
export function createConfig(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  // Detect into a private file and rename: concurrent first uses must not
  // see a half-written config.
  const tmp = `${path}.${process.pid}.tmp`;
  why3(["config", "detect", "-C", tmp]);
  let text = readFileSync(tmp, "utf8");
  text = text.replace(
    /running_provers_max = \d+/,
    `running_provers_max = ${availableParallelism()}`,
  );
  const cvc5 = which("cvc5");
  if (cvc5 !== undefined) text += cvc5Section(cvc5);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** The plain (no alternative) provers the config lists, keyed z3/cvc4/cvc5. */
export function listProvers(configPath: string): Why3Prover[] {
  const out: Why3Prover[] = [];
  for (const line of why3(["config", "list-provers", "-C", configPath]).split("\n")) {
    const m = /^(\S+) (\S+)$/.exec(line.trim());
    if (m?.[1] && m[2]) out.push({ id: m[1].toLowerCase(), name: m[1], version: m[2] });
  }
  return out;
}

export function why3Setup(configPath = defaultConfigPath()): Why3Setup {
  if (!existsSync(configPath)) createConfig(configPath);
  return { configPath, provers: listProvers(configPath) };
}
