// Builds the verifier corpus (src/verifier/test-data/corpus/*.bpf.c) with the
// pinned clang-19, twice per program: as written, with the planted bug, and
// with -DFIXED. The bug's line is the one marked BUG in the source, found
// here rather than written down, so editing a program cannot leave a stale
// line number behind.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const corpusDir = join(repoRoot, "src", "verifier", "test-data", "corpus");

export interface CorpusProgram {
  readonly name: string;
  readonly source: string;
  /** the line carrying the BUG marker */
  readonly bugLine: number;
  readonly buggy: Buffer;
  readonly fixed: Buffer;
}

const FLAGS = ["-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86", "-mcpu=v3"];

export const corpusSources = (): string[] =>
  readdirSync(corpusDir)
    .filter((f) => f.endsWith(".bpf.c"))
    .sort();

export function bugLine(source: string): number {
  const lines = readFileSync(join(corpusDir, source), "utf8").split("\n");
  const at = lines.findIndex((l) => l.includes("/* BUG */"));
  if (at < 0 || lines.slice(at + 1).some((l) => l.includes("/* BUG */")))
    throw new Error(`corpus: ${source} needs exactly one /* BUG */ marker`);
  return at + 1;
}

/** Objects are cached here: clang under the test VM's emulation takes minutes for the corpus. */
export const corpusBuildDir = join(repoRoot, "build", "verifier-corpus");

const mtime = (path: string): number => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};

export function compile(source: string, out: string, defines: readonly string[] = []): Buffer {
  const inputs = [join(corpusDir, source), join(corpusDir, "corpus.h")];
  if (mtime(out) > Math.max(...inputs.map(mtime))) return readFileSync(out);
  execFileSync("clang-19", [
    ...FLAGS,
    ...defines.map((d) => `-D${d}`),
    "-I",
    join(repoRoot, "build", "bpf"),
    "-I",
    corpusDir,
    "-c",
    join(corpusDir, source),
    "-o",
    out,
  ]);
  return readFileSync(out);
}

export function buildCorpus(): CorpusProgram[] {
  const out = corpusBuildDir;
  mkdirSync(out, { recursive: true });
  return corpusSources().map((source) => {
    const name = source.replace(/\.bpf\.c$/, "");
    return {
      name,
      source,
      bugLine: bugLine(source),
      buggy: compile(source, join(out, `${name}.bpf.o`)),
      fixed: compile(source, join(out, `${name}.fixed.bpf.o`), ["FIXED"]),
    };
  });
}
