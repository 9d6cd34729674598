// End to end on the project's own LSM program: ObjectSpec -> linked program
// -> CFG -> symbolic execution -> obligations -> z3 and cvc5. Every
// obligation of file_guard is proved; a mutant without the ring buffer NULL
// check is refuted at the stores into the record and at ringbuf_submit (so
// the proofs are not vacuous).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildCfg, linkProgram, type LinkedProgram } from "../cfg/index.js";
import { repoRoot } from "../cfg/test-support.js";
import { readObject } from "../object/index.js";
import { proveAll } from "../smt/test-programs.js";
import { explore } from "./explore.js";
import { objectContext } from "./object-context.js";

/** lsm/file_open: BPF_PROG(pw_file_open, struct file *file, int ret) has two 8-byte ctx slots. */
const FILE_OPEN_CTX = 16;

function fileGuard() {
  const obj = readObject(
    readFileSync(join(repoRoot, "build/bpf/file_guard.bpf.o")),
    "file_guard.bpf.o",
  );
  assert.equal(obj.kind, "ok");
  if (obj.kind !== "ok") throw new Error("test: unreadable object");
  const prog = obj.value.programs.find((p) => p.name === "pw_file_open");
  assert.ok(prog);
  const linked = linkProgram(obj.value, prog);
  return { linked, context: objectContext(obj.value, prog, linked, { ctxSize: FILE_OPEN_CTX }) };
}

/** Replaces the NULL check that follows ringbuf_reserve (helper 131) with a no-op jump. */
function withoutRingbufCheck(p: LinkedProgram): LinkedProgram {
  const reserve = p.insns.findIndex(
    (i) => i.insn.kind === "call" && i.insn.target.kind === "helper" && i.insn.target.id === 131,
  );
  const check = p.insns.findIndex(
    (i, n) => n > reserve && i.insn.kind === "jump" && i.insn.cond === "eq",
  );
  assert.ok(reserve >= 0 && check > reserve);
  const insns = p.insns.map((i, n) =>
    n === check ? { pc: i.pc, insn: { kind: "goto" as const, off: 0, long: false } } : i,
  );
  return { ...p, insns };
}

test("file_guard: every obligation is proved by z3 and cvc5", async () => {
  const { linked, context } = fileGuard();
  const ex = explore(buildCfg(linked.insns), context);
  assert.equal(ex.truncated, false);
  const results = await proveAll(ex.obligations);
  const kinds = new Set(results.map((r) => r.obligation.kind));
  console.log(
    `file_guard: ${ex.paths} paths, ${results.length} obligations (${[...kinds].sort().join(", ")})`,
  );
  for (const r of results) {
    assert.equal(r.z3.kind, "proved", `z3 ${r.obligation.message}`);
    assert.equal(r.cvc5.kind, "proved", `cvc5 ${r.obligation.message}`);
  }
  for (const k of ["stack-bounds", "stack-init", "ctx-bounds", "mem-bounds", "return-range"])
    assert.ok(kinds.has(k as never), `file_guard has ${k} obligations`);
  // Every maybe-NULL result is tested before use, and a tested pointer is
  // settled for the rest of its path (null-refine.ts): no NULL obligation is
  // left. Without the test, the next test finds them.
  assert.ok(!kinds.has("null-check"), "file_guard tests every maybe-NULL pointer before use");
});

test("file_guard without the ring buffer NULL check is refuted at the record stores and the submit", async () => {
  const { linked, context } = fileGuard();
  const ex = explore(buildCfg(withoutRingbufCheck(linked).insns), context);
  const results = await proveAll(ex.obligations);
  const refuted = results.filter((r) => r.z3.kind === "refuted").map((r) => r.obligation.id);
  const kinds = new Set(refuted.map((id) => id.split("@")[0]));
  // The stores into the record, and ringbuf_submit of a possibly-NULL record.
  assert.deepEqual([...kinds].sort(), ["helper-arg", "null-check"], refuted.join());
  assert.ok(refuted.filter((id) => id.startsWith("null-check@")).length >= 10);
});
