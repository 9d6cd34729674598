// WORK IN PROGRESS, not run by npm test: under TCG this suite exceeded the
// 900 s VM timeout in all three attempts (see the issue 5 note). Rename back
// to verifier-diff.kernel.test.ts once it fits.
// Differential testing of Proofwall's verifier against the kernel's, in the
// test VM: the corpus (buggy and fixed builds), the project's objects and
// mutants of them are verified by us and loaded (never attached) by libbpf.
// Prints the agreement rate and every disagreement with its class, and
// fails if we call safe a program the kernel rejects for memory safety.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { repoRoot } from "../paths.js";
import { BpfObject } from "./object.js";
import { KernelError } from "./errors.js";
import { buildCorpus } from "../verifier/corpus/build-corpus.js";
import {
  compare,
  kernelReason,
  mutants,
  type Agreement,
  type KernelVerdict,
} from "../verifier/kernel-diff/index.js";
import { processSolver, Z3 } from "../verifier/smt/index.js";
import { verifyObject } from "../verifier/verify.js";

requireTestVm();

const tmp = mkdtempSync("/tmp/pw-vdiff-");

function kernelLoad(name: string, bytes: Buffer): KernelVerdict {
  const path = join(tmp, `${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.o`);
  writeFileSync(path, bytes);
  let obj: BpfObject | undefined;
  try {
    obj = BpfObject.open(path);
    obj.load();
    return { kind: "accepted" };
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    return { kind: "rejected", reason: kernelReason(e.verifierLog ?? e.message) };
  } finally {
    obj?.[Symbol.dispose]();
  }
}

interface Case {
  readonly name: string;
  readonly bytes: Buffer;
}

function cases(): Case[] {
  const out: Case[] = [];
  const corpus = buildCorpus();
  for (const p of corpus)
    out.push({ name: p.source, bytes: p.buggy }, { name: `${p.source} -DFIXED`, bytes: p.fixed });
  const dir = join(repoRoot, "build", "bpf");
  // enforce_* objects explode past the path cap (minutes per program under emulation).
  const project = readdirSync(dir).filter((f) => f.endsWith(".bpf.o") && !f.startsWith("enforce_"));
  for (const f of project) out.push({ name: f, bytes: readFileSync(join(dir, f)) });
  corpus.forEach((p, i) => out.push(...mutants(p.fixed, `${p.source}-fixed`, 2, 1000 + i)));
  out.push(...mutants(readFileSync(join(dir, "file_guard.bpf.o")), "file_guard.bpf.o", 12, 42));
  return out;
}

test("differential: our verdicts against the kernel verifier's", async () => {
  // The z3 process: the wasm z3 crashed (SIGSEGV at wasm instantiation) in the TCG-emulated VM.
  const solver = processSolver(Z3);
  const rows: { name: string; a: Agreement }[] = [];
  for (const c of cases()) {
    const ours = await verifyObject(c.bytes, {
      solver,
      fileName: c.name,
      timeoutMs: 20_000,
      maxPaths: 2048,
    });
    if (ours.kind !== "ok") continue;
    rows.push({ name: c.name, a: compare(ours.result, kernelLoad(c.name, c.bytes)) });
  }
  const agree = rows.filter((r) => r.a.kind === "agree").length;
  console.log(
    `differential: ${agree}/${rows.length} agree (${((100 * agree) / rows.length).toFixed(1)}%)`,
  );
  for (const r of rows)
    if (r.a.kind !== "agree") console.log(`disagreement: ${r.name}: ${JSON.stringify(r.a)}`);
  const unsound = rows.filter((r) => r.a.kind === "kernel-rejects" && r.a.memorySafety);
  assert.ok(rows.length >= 60, `${rows.length} cases`);
  assert.deepEqual(
    unsound.map((r) => r.name),
    [],
    "we must not call safe what the kernel rejects for memory safety",
  );
});
