// Calls and returns. A local call pushes a frame that saves the caller's
// r6-r9 and r10 and gives the callee a fresh 512-byte stack; exit from a
// callee restores them, exit from the outermost frame ends the program.
import { assertNever, type CallTarget, type Reg } from "../isa/index.js";
import type { Helper } from "./helpers.js";
import { FP, fault, reg, STACK_SIZE, type Machine, type RunResult } from "./machine.js";
import { addRegion, type Region } from "./memory.js";

const CALLEE_SAVED: readonly Reg[] = [6, 7, 8, 9, FP];

export function stepCall(m: Machine, target: CallTarget): RunResult | undefined {
  switch (target.kind) {
    case "helper":
      return invoke(m, m.env.helpers.get(target.id), "unknown-helper", `helper ${target.id}`);
    case "kfunc":
      return invoke(
        m,
        m.env.kfuncs.get(target.btfId),
        "unknown-kfunc",
        `kfunc btf id ${target.btfId}`,
      );
    case "local":
      return callLocal(m, m.pc + 1 + target.off);
    default:
      return assertNever(target);
  }
}

/** callx follows uBPF/bpf_conformance: the register holds a helper id. */
export function stepCallx(m: Machine, r: Reg): RunResult | undefined {
  const id = reg(m, r);
  const helper = id < 1n << 32n ? m.env.helpers.get(Number(id)) : undefined;
  return invoke(m, helper, "unknown-helper", `callx helper ${id}`);
}

function invoke(
  m: Machine,
  helper: Helper | undefined,
  code: "unknown-helper" | "unknown-kfunc",
  what: string,
) {
  if (helper === undefined) return fault(m, code, `${what} is not provided`);
  const args = [1, 2, 3, 4, 5].map((r) => reg(m, r));
  const result = helper(args, { memory: m.memory });
  switch (result.kind) {
    case "return":
      m.regs[0] = BigInt.asUintN(64, result.value);
      m.pc += 1;
      return undefined;
    case "stop":
      return { kind: "exit", r0: BigInt.asUintN(64, result.value), steps: m.steps } as const;
    case "fault":
      return fault(m, "helper-fault", `${what}: ${result.message}`);
    default:
      return assertNever(result);
  }
}

function callLocal(m: Machine, target: number): RunResult | undefined {
  if (m.frames.length + 1 >= m.env.maxFrames) {
    return fault(m, "call-depth", `call depth exceeds ${m.env.maxFrames} frames`);
  }
  m.frames.push({ returnPc: m.pc + 1, saved: CALLEE_SAVED.map((r) => reg(m, r)) });
  m.regs[FP] = stackTop(frameStack(m, m.frames.length));
  m.pc = target;
  return undefined;
}

export function stepExit(m: Machine): RunResult | undefined {
  const frame = m.frames.pop();
  if (frame === undefined) return { kind: "exit", r0: reg(m, 0), steps: m.steps };
  CALLEE_SAVED.forEach((r, i) => (m.regs[r] = frame.saved[i] ?? 0n));
  m.pc = frame.returnPc;
  return undefined;
}

/** The stack region of call depth `depth`, created on first use and zeroed on entry. */
export function frameStack(m: Machine, depth: number): Region {
  let region = m.stacks[depth];
  if (region === undefined) {
    region = addRegion(m.memory, {
      name: `stack#${depth}`,
      kind: "stack",
      bytes: new Uint8Array(STACK_SIZE),
    });
    m.stacks[depth] = region;
  } else {
    region.bytes.fill(0);
  }
  return region;
}

export const stackTop = (r: Region): bigint => r.base + BigInt(r.bytes.length);
