// Proofwall's programs are verified: file_guard and self_protect must have
// every obligation proved against the running kernel's BTF. The enforce_*
// objects explore to completion, bpf_loop callbacks included (paths merge at
// joins and forget loops they left, so each program takes a few paths);
// src/cli/verify-programs.test.ts proves every one of their obligations,
// through the CLI, against the test VM kernel's BTF.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { kernelBtf, lsmHook, type Btf } from "./btf/index.js";
import { repoRoot } from "./corpus/build-corpus.js";
import { processSolver, Z3 } from "./smt/index.js";
import { verifyObject } from "./verify.js";
import { objectObligations } from "./why3/program-obligations.js";

const objects = readdirSync(join(repoRoot, "build", "bpf"))
  .filter((f) => f.endsWith(".bpf.o") && !f.startsWith("enforce_"))
  .sort();

/**
 * self_protect's pw_bpf finds security_bpf's prior verdict at the context slot
 * its loader sets from the kernel's BTF (after the hook's arguments: 3 on
 * 6.1, 4 where a `bool kernel` came last). Verified with that setting frozen,
 * as the loader freezes it; read at slot 3 on such kernels, `if (ret) return
 * ret;` would return the flag, 1 (the return-range finding this replaced).
 */
function loaderRodata(file: string): ReadonlyMap<string, bigint> | undefined {
  const bpfHook = kernelBtf() && lsmHook(kernelBtf() as Btf, "bpf");
  if (file !== "self_protect.bpf.o" || !bpfHook) return undefined;
  return new Map([["pw_bpf_verdict_arg", BigInt(bpfHook.params.length)]]);
}

/** Without merging, self_protect's pw_bpf took 1041 paths and enforce_* more than 4096. */
const MAX_PATHS = 2048;

test("every enforce_* program explores to completion, bpf_loop callbacks included", () => {
  const enforce = readdirSync(join(repoRoot, "build", "bpf")).filter((f) =>
    /^enforce_.*\.bpf\.o$/.test(f),
  );
  assert.ok(enforce.length >= 4, enforce.join());
  for (const file of enforce) {
    const programs = objectObligations(join(repoRoot, "build", "bpf", file), MAX_PATHS);
    assert.ok(programs.length >= 2, file);
    for (const p of programs) {
      const unsupported = p.obligations.filter((o) => o.kind === "unsupported");
      console.log(`${file} ${p.program}: ${p.paths} paths, ${p.obligations.length} obligations`);
      assert.equal(p.truncated, false, p.program);
      assert.deepEqual(
        unsupported.map((o) => o.message),
        [],
        `${file} ${p.program}`,
      );
      assert.ok(p.paths < 100, `${p.program}: ${p.paths} paths`);
      // The path_* programs only leave the mount for the inode hook that
      // follows (pw_mount_hint.h): no decision, so no callbacks to explore.
      if (!p.program.startsWith("pw_path_"))
        assert.ok(p.obligations.length > 100, `${p.program}: ${p.obligations.length} obligations`);
    }
  }
});

test("file_guard and self_protect: every obligation proved against the running kernel's BTF", async () => {
  assert.ok(
    objects.includes("file_guard.bpf.o") && objects.includes("self_protect.bpf.o"),
    objects.join(),
  );
  const findings: string[] = [];
  let proved = 0;
  for (const file of objects) {
    const rodata = loaderRodata(file);
    const r = await verifyObject(readFileSync(join(repoRoot, "build", "bpf", file)), {
      solver: processSolver(Z3),
      fileName: file,
      ...(rodata ? { rodata } : {}),
      // CI machines run this beside test VMs: a starved solver must not read as a finding.
      concurrency: 2,
      timeoutMs: 120_000,
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
  assert.deepEqual(findings, [], "findings");
});
