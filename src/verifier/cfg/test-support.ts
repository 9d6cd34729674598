// Shared by the cfg and vc tests only: assembles the conformance dialect into
// placed instructions, and compiles the C fixtures of test-data/vc.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assemble, decodeProgram, encodeProgram, type PlacedInsn } from "../isa/index.js";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Assembles `source` and round-trips it through the encoder and decoder. */
export function asm(source: string): PlacedInsn[] {
  const result = assemble(source);
  if (!result.ok) throw new Error(`test: ${result.errors.map((e) => e.message).join("; ")}`);
  const decoded = decodeProgram(encodeProgram(result.insns));
  if (decoded.issues.length > 0) throw new Error(`test: ${decoded.issues[0]?.message}`);
  return [...decoded.insns];
}

/** test-data/vc/*.bpf.c compiled with clang-19 -O2 -mcpu=v3 into a temp dir. */
export const vcFixtureObjects = (): string[] => compileFixtures("test-data/vc", "v3");

/** `*.bpf.c` of a folder under src/verifier compiled into a temp dir. */
export function compileFixtures(folder: string, mcpu: string): string[] {
  const dir = join(repoRoot, "src", "verifier", folder);
  const out = mkdtempSync(join(tmpdir(), "pw-cfg-"));
  return readdirSync(dir)
    .filter((f) => f.endsWith(".bpf.c"))
    .sort()
    .map((f) => {
      const obj = join(out, `${basename(f, ".bpf.c")}.bpf.o`);
      execFileSync("clang-19", [
        "-O2",
        "-g",
        "-target",
        "bpf",
        `-mcpu=${mcpu}`,
        "-c",
        join(dir, f),
        "-o",
        obj,
      ]);
      return obj;
    });
}
