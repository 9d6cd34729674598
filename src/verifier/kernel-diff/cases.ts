// The programs the differential compares: the corpus (each planted bug and
// its fixed twin), every object `make -C bpf` builds that our verifier
// finishes, and single-slot mutants of them. Deterministic: the same build
// gives the same cases, so a disagreement can be reproduced by name.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { buildCorpus, repoRoot } from "../corpus/build-corpus.js";
import { mutants } from "./mutate.js";

export interface DiffCase {
  readonly name: string;
  readonly bytes: Buffer;
  /** for a mutant, the instruction changed */
  readonly change?: string;
}

export const projectObjectDir = join(repoRoot, "build", "bpf");

/**
 * Project objects left out, and why. The enforce_* objects explore
 * completely, but each overran this suite's 120 s per-object
 * budget when included on 2 shared cores (docs/verifier.md): together they
 * would add at least 4 minutes to the host half and still be excluded.
 */
const OVER_BUDGET = "each overran the 120 s per-object budget when included";
export const EXCLUDED_OBJECTS: ReadonlyMap<string, string> = new Map([
  ["enforce_file.bpf.o", OVER_BUDGET],
  ["enforce_net.bpf.o", OVER_BUDGET],
  ["enforce_proc.bpf.o", OVER_BUDGET],
  ["enforce_sock.bpf.o", OVER_BUDGET],
  ["self_protect.bpf.o", "the four self_protect/*.bpf.o linked: those are compared one by one"],
]);

/** Mutants per fixed corpus program, and of file_guard (slower to verify: ~4 s each). */
const CORPUS_MUTANTS = 4;
const FILE_GUARD_MUTANTS = 12;

export function projectObjects(): string[] {
  return readdirSync(projectObjectDir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".bpf.o") && !EXCLUDED_OBJECTS.has(f))
    .sort();
}

export function diffCases(): DiffCase[] {
  const corpus = buildCorpus();
  const out: DiffCase[] = [];
  for (const p of corpus)
    out.push({ name: p.source, bytes: p.buggy }, { name: `${p.source} -DFIXED`, bytes: p.fixed });
  for (const f of projectObjects())
    out.push({ name: `bpf/${f}`, bytes: readFileSync(join(projectObjectDir, f)) });
  // Each object's mutants are seeded by its name: adding a corpus program renames no other's.
  const mutated = corpus.flatMap((p) => mutants(p.fixed, `${p.name}-fixed`, CORPUS_MUTANTS));
  const fileGuard = readFileSync(join(projectObjectDir, "file_guard.bpf.o"));
  mutated.push(...mutants(fileGuard, "file_guard", FILE_GUARD_MUTANTS));
  for (const m of mutated) out.push({ name: m.name, bytes: m.bytes, change: m.change });
  return out;
}
