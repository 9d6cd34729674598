// Entry point of the concrete interpreter: builds the machine (stack at r10,
// input memory at r1 with its length in r2) and steps until exit or fault.
import type { PlacedInsn } from "../isa/index.js";
import {
  codeBySlot,
  FP,
  MAX_FRAMES,
  type Machine,
  type RunEnv,
  type RunOptions,
  type RunResult,
} from "./machine.js";
import { addRegion, createMemory } from "./memory.js";
import { frameStack, stackTop } from "./frames.js";
import { step } from "./step.js";

const DEFAULT_ENV: RunEnv = {
  helpers: new Map(),
  kfuncs: new Map(),
  maxSteps: 1_000_000,
  maxFrames: MAX_FRAMES,
  resolveLddw: () => undefined,
};

export function run(insns: readonly PlacedInsn[], options: RunOptions = {}): RunResult {
  const m = createMachine(insns, options);
  for (;;) {
    const result = step(m);
    if (result !== undefined) return result;
  }
}

export function createMachine(insns: readonly PlacedInsn[], options: RunOptions = {}): Machine {
  const memory = createMemory();
  const env: RunEnv = {
    helpers: options.helpers ?? DEFAULT_ENV.helpers,
    kfuncs: options.kfuncs ?? DEFAULT_ENV.kfuncs,
    maxSteps: options.maxSteps ?? DEFAULT_ENV.maxSteps,
    maxFrames: options.maxFrames ?? DEFAULT_ENV.maxFrames,
    resolveLddw: options.resolveLddw ?? DEFAULT_ENV.resolveLddw,
  };
  const input = options.input ?? new Uint8Array(0);
  const ctx = addRegion(memory, { name: "input", kind: options.inputKind ?? "ctx", bytes: input });
  options.setup?.(memory);
  const m: Machine = {
    regs: new Array<bigint>(11).fill(0n),
    pc: 0,
    steps: 0,
    frames: [],
    stacks: [],
    memory,
    code: codeBySlot(insns),
    env,
  };
  m.regs[1] = ctx.base;
  m.regs[2] = BigInt(input.length);
  m.regs[FP] = stackTop(frameStack(m, 0));
  return m;
}
