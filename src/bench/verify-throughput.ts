// Verifier throughput per solver: every corpus object (buggy and fixed) and
// every project object is verified end to end (explore, prove, replay) with
// each solver, and the time and the instructions verified per second are
// reported side by side.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { buildCorpus, repoRoot } from "../verifier/corpus/build-corpus.js";
import {
  solverByName,
  solverConcurrency,
  verifyObject,
  type SolverName,
} from "../verifier/verify.js";

export interface Target {
  readonly name: string;
  readonly bytes: Buffer;
}

export interface SolverRow {
  readonly solver: SolverName;
  readonly objects: number;
  readonly insns: number;
  readonly obligations: number;
  readonly unknown: number;
  readonly seconds: number;
}

export function benchTargets(): Target[] {
  const dir = join(repoRoot, "build", "bpf");
  // enforce_* objects are left out: they verify in full, but take minutes each (about 8 in
  // all with z3 on two cores), which would swamp the corpus; src/cli/verify-programs.test.ts
  // and docs/verification.md time them.
  const project = readdirSync(dir)
    .filter((f) => f.endsWith(".bpf.o") && !f.startsWith("enforce_"))
    .sort()
    .map((f) => ({ name: f, bytes: readFileSync(join(dir, f)) }));
  const corpus = buildCorpus().flatMap((p) => [
    { name: p.source, bytes: p.buggy },
    { name: `${p.source} -DFIXED`, bytes: p.fixed },
  ]);
  return [...corpus, ...project];
}

export async function benchSolver(
  solver: SolverName,
  targets: readonly Target[],
  progress: (line: string) => void,
): Promise<SolverRow> {
  const s = await solverByName(solver);
  let insns = 0;
  let obligations = 0;
  let unknown = 0;
  const started = process.hrtime.bigint();
  for (const t of targets) {
    const r = await verifyObject(t.bytes, {
      solver: s,
      fileName: t.name,
      concurrency: solverConcurrency(solver),
    });
    if (r.kind !== "ok") continue;
    for (const p of r.result.programs) {
      insns += p.insns;
      obligations += p.obligations.length;
      unknown += p.obligations.filter((o) => o.status === "unknown").length;
    }
    progress(`${solver}: ${t.name} ${r.result.ms} ms`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { solver, objects: targets.length, insns, obligations, unknown, seconds };
}

export function renderThroughput(rows: readonly SolverRow[]): string {
  const head = ["solver", "objects", "insns", "obligations", "unknown", "total s", "insns/s"];
  const body = rows.map((r) => [
    r.solver,
    String(r.objects),
    String(r.insns),
    String(r.obligations),
    String(r.unknown),
    r.seconds.toFixed(1),
    (r.insns / r.seconds).toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  return [head, ...body]
    .map((r) => r.map((c, i) => c.padStart(widths[i] ?? 0)).join("  "))
    .join("\n");
}
