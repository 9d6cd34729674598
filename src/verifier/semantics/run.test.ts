import { test } from "node:test";
import assert from "node:assert/strict";
import { assemble } from "../isa/asm.js";
import { decodeProgram, encodeProgram } from "../isa/index.js";
import type { RunOptions } from "./machine.js";
import { addRegion } from "./memory.js";
import { run } from "./run.js";

function exec(source: string, options: RunOptions = {}) {
  const asm = assemble(source);
  assert.ok(asm.ok, JSON.stringify(asm));
  return run(decodeProgram(encodeProgram(asm.insns)).insns, options);
}

test("input memory is at r1 with its length in r2", () => {
  const r = exec("ldxh %r0, [%r1+1]\nadd %r0, %r2\nexit", { input: Uint8Array.from([1, 2, 3, 4]) });
  assert.deepEqual(r.kind === "exit" && r.r0, 0x0302n + 4n);
});

test("out-of-bounds accesses fault with the pc instead of throwing", () => {
  const oob = exec("mov %r0, 0\nldxw %r0, [%r1+2]\nexit", { input: new Uint8Array(4) });
  assert.equal(oob.kind, "fault");
  assert.equal(oob.kind === "fault" && oob.pc, 1);
  assert.equal(oob.kind === "fault" && oob.code, "memory");
  const belowStack = exec("stdw [%r10-520], 1\nexit");
  assert.equal(belowStack.kind === "fault" && belowStack.code, "memory");
  const wild = exec("mov %r1, 0x1000\nldxb %r0, [%r1]\nexit");
  assert.match(wild.kind === "fault" ? wild.message : "", /^run insn 1: access of 1 bytes/);
});

test("stores to a read-only region fault", () => {
  let base = 0n;
  const setup = (m: Parameters<NonNullable<RunOptions["setup"]>>[0]) => {
    base = addRegion(m, {
      name: "rodata",
      kind: "map-value",
      bytes: new Uint8Array(8),
      writable: false,
    }).base;
  };
  const probe = exec("exit", { setup });
  assert.equal(probe.kind, "exit");
  const r = exec(`lddw %r1, ${base}\nldxdw %r0, [%r1]\nstb [%r1+1], 7\nexit`, { setup });
  assert.equal(r.kind === "fault" && `${r.code}@${r.pc}`, "memory@3");
  assert.match(r.kind === "fault" ? r.message : "", /read-only region rodata/);
});

test("local calls get their own stack and keep the caller's r6-r9", () => {
  const r = exec(
    [
      "mov %r6, 6",
      "stdw [%r10-8], 42",
      "call local f",
      "ldxdw %r0, [%r10-8]",
      "add %r0, %r6",
      "exit",
      "f:",
      "stdw [%r10-8], 1",
      "mov %r6, 100",
      "exit",
    ].join("\n"),
  );
  assert.deepEqual(r.kind === "exit" && r.r0, 48n);
});

test("unbounded recursion hits the frame limit, loops hit the step limit", () => {
  const deep = exec("f:\ncall local f\nexit");
  assert.equal(deep.kind === "fault" && deep.code, "call-depth");
  const loop = exec("ja -1\nexit", { maxSteps: 1000 });
  assert.equal(loop.kind === "fault" && loop.code, "step-limit");
});

test("helpers come from the table; unknown ones fault", () => {
  const helpers = new Map([
    [7, (args: readonly bigint[]) => ({ kind: "return" as const, value: (args[0] ?? 0n) * 2n })],
  ]);
  const ok = exec("mov %r1, 21\ncall 7\nexit", { helpers });
  assert.deepEqual(ok.kind === "exit" && ok.r0, 42n);
  const missing = exec("call 8\nexit", { helpers });
  assert.equal(missing.kind === "fault" && missing.code, "unknown-helper");
});

test("falling off the end and jumping into an lddw are faults", () => {
  assert.equal(exec("mov %r0, 1").kind === "fault", true);
  const mid = exec("ja +1\nlddw %r0, 1\nexit");
  assert.equal(mid.kind === "fault" && mid.code, "bad-jump");
});

test("legacy packet loads read big-endian from the input", () => {
  const bytes = Uint8Array.from([0, 0x12, 0x34, 0x56, 0x78]);
  const prog = decodeProgram(
    encodeProgram([{ kind: "ld-packet", mode: "abs", size: 2, src: 0, imm: 1 }, { kind: "exit" }]),
  ).insns;
  const abs = run(prog, { input: bytes });
  assert.deepEqual(abs.kind === "exit" && abs.r0, 0x1234n);
});
