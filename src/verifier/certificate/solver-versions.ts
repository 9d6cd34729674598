// The versions of the solvers a certificate names: the z3 build inside the
// z3-solver package, or the first line of a solver process's --version.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import type { SolverVersion } from "./certificate.js";

const require = createRequire(import.meta.url);

function processVersion(command: string): string {
  const r = spawnSync(command, ["--version"], { encoding: "utf8", timeout: 10_000 });
  if (r.error !== undefined) return `unavailable (${r.error.message})`;
  return (r.stdout.split("\n")[0] ?? "").trim();
}

async function embeddedVersion(): Promise<string> {
  const pkg = require("z3-solver/package.json") as { version: string };
  const { embeddedInstance } = await import("../smt/z3-embedded.js");
  const z3 = (await embeddedInstance()).api.Z3;
  return `${z3.get_full_version()} (z3-solver ${pkg.version}, WebAssembly)`;
}

export async function solverVersion(name: string): Promise<SolverVersion> {
  switch (name) {
    case "z3-embedded":
      return { name, version: await embeddedVersion() };
    case "z3":
      return { name, version: processVersion("z3") };
    case "cvc5":
      return { name, version: processVersion("cvc5") };
    default:
      return { name, version: "unknown" };
  }
}
