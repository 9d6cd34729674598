import { test } from "node:test";
import assert from "node:assert/strict";
import { assemble } from "../isa/asm.js";
import { decodeProgram, encodeProgram } from "../isa/index.js";
import { createMachine } from "../semantics/run.js";
import { step } from "../semantics/step.js";
import { FrameVisits, frameChange, frameMark, type FrameChange } from "./replay-frames.js";

const source = [
  "mov %r1, 2",
  "lddw %r2, func cb",
  "mov %r3, 0",
  "mov %r4, 0",
  "call 181",
  "exit",
  "cb:",
  "call local f",
  "mov %r0, 0",
  "exit",
  "f:",
  "exit",
].join("\n");

test("the replay sees each callback run begin, its calls, and the loop's end", () => {
  const asm = assemble(source);
  assert.ok(asm.ok);
  const m = createMachine(decodeProgram(encodeProgram(asm.insns)).insns);
  const changes: FrameChange[] = [];
  const visits = new FrameVisits();
  const callbackEntries: number[] = [];
  for (let r = undefined; r === undefined;) {
    visits.visit(m.pc);
    if (m.pc === 7) callbackEntries.push(visits.count(7));
    const mark = frameMark(m);
    r = step(m);
    const change = frameChange(mark, m);
    visits.follow(change);
    if (change !== undefined) changes.push(change);
  }
  assert.deepEqual(changes, [
    "callback",
    "call",
    "return",
    "next-run",
    "call",
    "return",
    "loop-done",
  ]);
  // Counts belong to one run of the callback.
  assert.deepEqual(callbackEntries, [1, 1]);
});
