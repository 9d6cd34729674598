// Differential testing of Proofwall's verifier against the kernel's (test VM):
// the corpus (buggy and fixed builds), the project's objects and mutants of
// them. Our verdicts were proved on the host against this kernel's BTF
// (verifier-diff.kernel.host.ts, run first by scripts/test.mjs); here each
// object is loaded (never attached) by libbpf, so the kernel verdicts come
// from this kernel. Prints the agreement rate and every disagreement with its
// class, and fails if we call safe a program the kernel rejects for memory
// safety, unless the case is listed below with why the kernel is imprecise.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { BpfObject } from "./object.js";
import { KernelError } from "./errors.js";
import { runningKernelBtfSha256 } from "../verifier/btf/index.js";
import {
  compare,
  diffCaseDir,
  kernelReason,
  loaderReason,
  readManifest,
  sha256,
  type Agreement,
  type KernelVerdict,
  type ManifestCase,
} from "../verifier/kernel-diff/index.js";

requireTestVm();

/**
 * Cases we prove safe although the kernel rejects them for a memory-safety
 * reason, each with why the kernel is imprecise there (not we unsound).
 * A listed case that stops disagreeing fails the suite, so the list stays true.
 */
// Cases named here: a memory-safety rejection where the kernel, not we, is
// imprecise. None today. An earlier run, with mutants then numbered by a
// global counter, listed one mutant: an 8-byte stack store at r10 - 68, in
// bounds but misaligned, which the kernel refuses because its spill tracking
// works in 8-byte slots ("misaligned stack access"), not because the memory
// is out of reach. Mutant names now follow their object's name alone, so an
// entry here keeps naming the same mutant as the corpus grows.
const KERNEL_IMPRECISE: ReadonlyMap<string, string> = new Map<string, string>([]);

function rejection(e: KernelError): string {
  // No verifier log: libbpf refused the object before the kernel verifier saw it.
  if (!e.verifierLog) return `(libbpf) ${loaderReason(e.libbpfMessage ?? e.message)}`;
  // The log filled its buffer: the verifier was still exploring (libbpf loads
  // with a log only after a first, silent attempt failed).
  if (e.code === "ENOSPC") return `(log overflowed while exploring) ${kernelReason(e.verifierLog)}`;
  return kernelReason(e.verifierLog);
}

function kernelLoad(path: string): KernelVerdict {
  let obj: BpfObject | undefined;
  try {
    obj = BpfObject.open(path);
    obj.load();
    return { kind: "accepted" };
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    return { kind: "rejected", reason: rejection(e) };
  } finally {
    obj?.[Symbol.dispose]();
  }
}

interface Row {
  readonly c: ManifestCase;
  readonly a: Agreement;
}

function describe({ c, a }: Row): string {
  if (a.kind === "agree") return `agree ${c.name}`;
  const cls =
    a.kind === "kernel-rejects" ? `kernel-rejects memorySafety=${a.memorySafety}` : a.kind;
  const change = c.change === undefined ? "" : `\n    change: ${c.change}`;
  const ours = c.ours.kind === "verdict" ? c.ours.why : "";
  return `disagreement [${cls}] ${c.name} (${c.file})\n    ours: ${ours || "safe"}\n    kernel: ${a.kind === "we-reject" ? "accepted" : a.why}${change}`;
}

function report(rows: readonly Row[], excluded: readonly ManifestCase[], ms: number): void {
  const agree = rows.filter((r) => r.a.kind === "agree").length;
  const count = (f: (a: Agreement) => boolean) => rows.filter((r) => f(r.a)).length;
  console.log(
    `kernel-diff: ${rows.length} cases compared, ${agree} agree (${((100 * agree) / rows.length).toFixed(1)}%) in ${(ms / 1000).toFixed(0)} s of kernel loads`,
  );
  console.log(
    `kernel-diff: agree safe ${count((a) => a.kind === "agree" && a.verdict === "safe")}, agree unsafe ${count((a) => a.kind === "agree" && a.verdict === "unsafe")}, we-reject ${count((a) => a.kind === "we-reject")}, kernel-rejects memorySafety=true ${count((a) => a.kind === "kernel-rejects" && a.memorySafety)}, memorySafety=false ${count((a) => a.kind === "kernel-rejects" && !a.memorySafety)}`,
  );
  for (const c of excluded)
    console.log(`kernel-diff: excluded ${c.name}: ${c.ours.kind === "excluded" ? c.ours.why : ""}`);
  for (const r of rows) if (r.a.kind !== "agree") console.log(describe(r));
}

test("differential: our verdicts against the kernel verifier's", () => {
  const manifest = readManifest(diffCaseDir);
  assert.equal(
    runningKernelBtfSha256(),
    manifest.kernelBtfSha256,
    "our verdicts were proved against another kernel's BTF than this VM's",
  );
  const t0 = Date.now();
  const rows: Row[] = [];
  for (const c of manifest.cases) {
    if (c.ours.kind !== "verdict") continue;
    const path = join(diffCaseDir, c.file);
    assert.equal(sha256(readFileSync(path)), c.sha256, `${path} changed since it was verified`);
    rows.push({ c, a: compare(c.ours, kernelLoad(path)) });
  }
  report(
    rows,
    manifest.cases.filter((c) => c.ours.kind === "excluded"),
    Date.now() - t0,
  );
  const unsound = rows.filter((r) => r.a.kind === "kernel-rejects" && r.a.memorySafety);
  assert.ok(rows.length >= 150, `only ${rows.length} cases compared`);
  assert.deepEqual(
    unsound.map((r) => r.c.name).filter((n) => !KERNEL_IMPRECISE.has(n)),
    [],
    "we must not call safe what the kernel rejects for memory safety",
  );
  assert.deepEqual(
    [...KERNEL_IMPRECISE.keys()].filter((n) => !unsound.some((r) => r.c.name === n)),
    [],
    "listed as kernel-imprecise but no longer a memory-safety disagreement: update the list",
  );
});
