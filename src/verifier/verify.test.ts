// Every Proofwall program is verified: each build/bpf/*.bpf.o (file_guard,
// self_protect and whatever enforce_* objects exist) must have every
// obligation proved, except the findings listed here, each with its reason;
// a new finding or a vanished one fails the test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { lsmHook } from "./btf/index.js";
import { repoRoot } from "./corpus/build-corpus.js";
import { processSolver, Z3 } from "./smt/index.js";
import { kernelBtf, verifyObject } from "./verify.js";

const objects = readdirSync(join(repoRoot, "build", "bpf"))
  .filter((f) => f.endsWith(".bpf.o"))
  .sort();

/**
 * self_protect's pw_bpf declares BPF_PROG(pw_bpf, int cmd, union bpf_attr *attr,
 * unsigned int size, int ret). Kernels whose security_bpf gained a fourth
 * argument (`bool kernel`) put that flag where the program reads `ret`, so
 * `if (ret) return ret;` returns 1: a real finding on such kernels.
 */
function knownFinding(finding: string): boolean {
  const kernel = kernelBtf();
  const bpfHook = kernel && lsmHook(kernel, "bpf");
  if (finding === "self_protect.bpf.o pw_bpf return-range")
    return (bpfHook?.params.length ?? 0) > 3;
  // Per-path exploration without state merging: every enforce_* program forks past the cap
  // (the bpf_loop callbacks over the subject's candidate keys, and the walk).
  return /^enforce_(file|net|sock|proc)\.bpf\.o \S+ truncated$/.test(finding);
}

/** Enough for file_guard (6 paths) and self_protect (at most 1041); enforce_file needs more than 4096. */
const MAX_PATHS = 2048;

test("every Proofwall program: all obligations proved, or a listed finding", async () => {
  assert.ok(
    objects.includes("file_guard.bpf.o") && objects.includes("self_protect.bpf.o"),
    objects.join(),
  );
  const findings: string[] = [];
  let proved = 0;
  for (const file of objects) {
    const r = await verifyObject(readFileSync(join(repoRoot, "build", "bpf", file)), {
      solver: processSolver(Z3),
      fileName: file,
      concurrency: 4,
      maxPaths: MAX_PATHS,
    });
    assert.equal(r.kind, "ok", file);
    if (r.kind !== "ok") continue;
    for (const p of r.result.programs) {
      assert.equal(p.error, undefined, `${file} ${p.name}: ${p.error}`);
      if (p.truncated) {
        console.log(
          `finding: ${file} ${p.name}: exploration stopped at ${p.paths} paths (path explosion)`,
        );
        findings.push(`${file} ${p.name} truncated`);
      }
      proved += p.obligations.filter((o) => o.status === "proved").length;
      for (const o of p.obligations.filter((x) => x.status !== "proved"))
        findings.push(`${file} ${p.name} ${o.kind}`);
      const bad = p.obligations.filter((o) => o.status !== "proved");
      for (const o of bad)
        console.log(
          `finding: ${file} ${p.name} ${o.id} ${o.status} line ${o.source?.line}: ${o.reason}`,
        );
    }
  }
  console.log(
    `project programs: ${objects.length} objects, ${proved} obligations proved, ${findings.length} findings`,
  );
  assert.deepEqual(
    findings.filter((f) => !knownFinding(f)),
    [],
    "findings not listed as known",
  );
  if (knownFinding("self_protect.bpf.o pw_bpf return-range"))
    assert.ok(findings.includes("self_protect.bpf.o pw_bpf return-range"), "the pw_bpf finding");
});
