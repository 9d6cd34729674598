// The functional model: two lookups of one key agree until the path writes
// the map; stable helpers return one input; exits and ring-buffer records are
// recorded. Structural checks on terms, no solver.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildCfg } from "../cfg/index.js";
import { asm } from "../cfg/test-support.js";
import { defaultContext, type LddwBinding } from "./exec-context.js";
import { explore } from "./explore.js";
import type { Term } from "./term.js";

const MAP: LddwBinding = {
  kind: "map",
  map: { name: "m", kind: "hash", keySize: 4, valueSize: 8 },
};
const RINGBUF: LddwBinding = {
  kind: "map",
  map: { name: "rb", kind: "ringbuf", keySize: 0, valueSize: 0 },
};

/** Looks key 0 up twice (r6, r7), with `between` after the first lookup; returns word 0 of each, subtracted. */
const twoLookups = (between: string) =>
  [
    "stw [%r10-4], 0",
    "lddw %r1, 0",
    "mov %r2, %r10",
    "add %r2, -4",
    "call 1",
    "jeq %r0, 0, out",
    "mov %r6, %r0",
    between,
    "lddw %r1, 0",
    "mov %r2, %r10",
    "add %r2, -4",
    "call 1",
    "jeq %r0, 0, out",
    "ldxw %r0, [%r0+0]",
    "ldxw %r1, [%r6+0]",
    "sub %r0, %r1",
    "exit",
    "out:",
    "mov %r0, 0",
    "exit",
  ]
    .filter((l) => l !== "")
    .join("\n");

const lddwAt = (source: string, binding: LddwBinding) => {
  const insns = asm(source);
  const slots = new Set(insns.filter((p) => p.insn.kind === "lddw").map((p) => p.pc));
  return { insns, lddw: (pc: number) => (slots.has(pc) ? binding : undefined) };
};

const run = (source: string, binding: LddwBinding, functional: boolean) => {
  const { insns, lddw } = lddwAt(source, binding);
  return explore(buildCfg(insns), defaultContext({ lddw, functional, merge: !functional }));
};

const sameOperands = (t: Term) => t.kind === "bv-bin" && t.op === "bvsub" && t.a === t.b;
const subtraction = (ex: ReturnType<typeof run>) =>
  ex.exits.map((e) => e.r0).find((t) => t.kind === "bv-bin" && t.op === "bvsub");

test("two lookups of one key read the same value under the functional model only", () => {
  const functional = subtraction(run(twoLookups(""), MAP, true));
  assert.ok(functional && sameOperands(functional));
  assert.deepEqual(run(twoLookups(""), MAP, false).exits, [], "exits are recorded only when asked");
});

test("a store into the map makes the next lookup fresh", () => {
  const ex = run(twoLookups("stw [%r6+4], 1"), MAP, true);
  const r0 = subtraction(ex);
  assert.ok(r0 && !sameOperands(r0));
  const writes = ex.exits.flatMap((e) => e.trace.filter((t) => t.kind === "map-write"));
  assert.ok(writes.length > 0 && writes.every((w) => w.kind === "map-write" && w.map === "m"));
});

test("stable helpers return one input; a submit is traced with its reservation", () => {
  const source = [
    "call 14",
    "mov %r6, %r0",
    "call 14",
    "sub %r6, %r0",
    "lddw %r1, 0",
    "mov %r2, 8",
    "mov %r3, 0",
    "call 131",
    "jeq %r0, 0, out",
    "stdw [%r0+0], 5",
    "mov %r1, %r0",
    "mov %r2, 0",
    "call 132",
    "out:",
    "mov %r0, %r6",
    "exit",
  ].join("\n");
  const ex = run(source, RINGBUF, true);
  assert.equal(ex.exits.length, 2);
  for (const e of ex.exits) assert.ok(sameOperands(e.r0), "pid_tgid is the same on both calls");
  const kinds = ex.exits.map((e) => e.trace.map((t) => t.kind).join(",")).sort();
  assert.deepEqual(kinds, ["ringbuf-reserve", "ringbuf-reserve,ringbuf-submit"]);
});
