// Rules found by the differential against the kernel verifier (docs/verifier.md):
// an LSM context is read at 8-byte argument slots, a helper never reads its
// key through a kernel pointer, and a huge constant helper buffer size is a
// violation, not a hang. Structural checks on obligations, no solver.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildCfg } from "../cfg/index.js";
import { asm } from "../cfg/test-support.js";
import { defaultContext, type LddwBinding } from "./exec-context.js";
import { explore } from "./explore.js";
import { TRUE } from "./term-store.js";

const MAP: LddwBinding = {
  kind: "map",
  map: { name: "m", kind: "hash", keySize: 4, valueSize: 8 },
};

const refuted = (source: string, kind: "lsm" | "generic" = "lsm") => {
  const insns = asm(source);
  const lddw = new Set(insns.filter((p) => p.insn.kind === "lddw").map((p) => p.pc));
  const ex = explore(
    buildCfg(insns),
    defaultContext({ kind, ctxSize: 16, lddw: (pc) => (lddw.has(pc) ? MAP : undefined) }),
  );
  // Checks that hold outright fold to TRUE; what remains is a rule that can fail.
  return ex.obligations.filter((o) => o.condition !== TRUE).map((o) => o.kind);
};

test("an LSM context load between argument slots is refused; at a slot it is not", () => {
  assert.deepEqual(refuted("ldxdw %r0, [%r1+4]\nmov %r0, 0\nexit"), ["ctx-bounds"]);
  assert.deepEqual(refuted("ldxdw %r0, [%r1+8]\nmov %r0, 0\nexit"), []);
  assert.deepEqual(refuted("ldxdw %r0, [%r1+4]\nmov %r0, 0\nexit", "generic"), []);
});

test("a kernel pointer passed as a map key is refused", () => {
  const lookup = (key: string) =>
    [
      "ldxdw %r6, [%r1+0]",
      "stw [%r10-4], 0",
      "lddw %r1, 0",
      key,
      "call 1",
      "mov %r0, 0",
      "exit",
    ].join("\n");
  assert.deepEqual(refuted(lookup("mov %r2, %r6")), ["helper-arg"]);
  assert.deepEqual(refuted(lookup("mov %r2, %r10\nadd %r2, -4")), []);
});

test("a helper buffer of 2^32 - 1 bytes is out of bounds, and the check ends", () => {
  const comm = ["mov %r1, %r10", "add %r1, -16", "mov32 %r2, -1", "call 16", "mov %r0, 0", "exit"];
  const ex = explore(buildCfg(asm(comm.join("\n"))), defaultContext({ kind: "lsm", ctxSize: 16 }));
  assert.ok(ex.obligations.some((o) => o.kind === "stack-bounds"));
});
