// Shared by the verifier reader tests only: compiles the C fixtures in
// test-data/elf with clang-19 into a temp dir, builds the project's own
// objects, and runs the LLVM/bpftool reference tools whose output the tests
// compare against.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

/** dist/verifier/elf/ (or src/verifier/elf/) is three levels below the repository root. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const fixtureDir = join(repoRoot, "src", "verifier", "test-data", "elf");

/** Debian keeps asm/ under the multiarch dir, which clang -target bpf does not search. */
const MULTIARCH: Readonly<Record<string, string>> = {
  x64: "x86_64-linux-gnu",
  arm64: "aarch64-linux-gnu",
};

let compiled: Map<string, string> | undefined;

/** Every test-data/elf/*.bpf.c compiled once per process; name (without .bpf.c) -> object path. */
export function fixtureObjects(): Map<string, string> {
  if (compiled !== undefined) return compiled;
  const out = mkdtempSync(join(tmpdir(), "pw-elf-"));
  const arch = MULTIARCH[process.arch] ?? `${process.arch}-linux-gnu`;
  compiled = new Map();
  for (const src of readdirSync(fixtureDir)
    .filter((f) => f.endsWith(".bpf.c"))
    .sort()) {
    const name = basename(src, ".bpf.c");
    const obj = join(out, `${name}.bpf.o`);
    execFileSync("clang-19", [
      "-O2",
      "-g",
      "-target",
      "bpf",
      "-idirafter",
      `/usr/include/${arch}`,
      "-c",
      join(fixtureDir, src),
      "-o",
      obj,
    ]);
    compiled.set(name, obj);
  }
  return compiled;
}

export function fixtureObject(name: string): string {
  const path = fixtureObjects().get(name);
  if (path === undefined) throw new Error(`test: no fixture ${name}.bpf.c`);
  return path;
}

/** The project's own build/bpf/*.bpf.o, built with `make -C bpf` when missing. */
export function projectObjects(): string[] {
  const dir = join(repoRoot, "build", "bpf");
  const list = (): string[] =>
    existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".bpf.o")) : [];
  if (list().length === 0) execFileSync("make", ["-s", "-C", join(repoRoot, "bpf")]);
  return list()
    .sort()
    .map((f) => join(dir, f));
}

/** Every object the cross-check tests run over. */
export function allObjects(): string[] {
  return [...fixtureObjects().values(), ...projectObjects()];
}

export function tool(cmd: string, args: readonly string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}
