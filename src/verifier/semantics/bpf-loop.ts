// bpf_loop(nr, callback, ctx, flags), helper 181, as kernel/bpf/bpf_iter.c
// runs it: -EINVAL for flags != 0, -E2BIG for nr > 1 << 23, else
// callback(i, ctx) for i = 0, 1, ... below nr until it returns non-zero; the
// result is the number of calls made. Unlike the table helpers it is control
// flow: each call is a frame of the machine, so a run steps through the
// callback's instructions (and a replay sees its faults) like any other.
import { frameStack, popFrame, pushFrame, stackTop } from "./frames.js";
import {
  FP,
  fault,
  reg,
  type Frame,
  type LoopState,
  type Machine,
  type RunResult,
} from "./machine.js";

export const BPF_LOOP = 181;
export const MAX_LOOPS = 1n << 23n;
const E2BIG = 7n;
const EINVAL = 22n;

/** Function addresses (lddw src=BPF_PSEUDO_FUNC) sit outside every region, so loading through one faults. */
const FUNC_BASE = 0xffff_c000_0000_0000n;

export const funcAddress = (entry: number): bigint => FUNC_BASE + BigInt(entry);

/** The instruction slot a function address names, if it names one. */
export function funcEntry(m: Machine, address: bigint): number | undefined {
  if (address < FUNC_BASE || address >= FUNC_BASE + BigInt(m.code.length)) return undefined;
  const entry = Number(address - FUNC_BASE);
  return m.code[entry] === undefined ? undefined : entry;
}

/** The call instruction of bpf_loop: returns at once or enters the first callback run. */
export function callBpfLoop(m: Machine): RunResult | undefined {
  const entry = funcEntry(m, reg(m, 2));
  if (entry === undefined)
    return fault(m, "helper-fault", "bpf_loop r2: not the address of a callback function");
  const nr = reg(m, 1) & 0xffff_ffffn;
  if (reg(m, 4) !== 0n) return returnFromCall(m, -EINVAL);
  if (nr > MAX_LOOPS) return returnFromCall(m, -E2BIG);
  if (nr === 0n) return returnFromCall(m, 0n);
  const loop: LoopState = { entry, nr, ctx: reg(m, 3), index: 0n };
  const refused = pushFrame(m, m.pc + 1, loop);
  if (refused !== undefined) return fault(m, "call-depth", refused);
  startIteration(m, loop);
  return undefined;
}

/**
 * The callback's exit: the next run, or back to the caller with the count in
 * r0 once the callback returned non-zero or ran nr times.
 */
export function callbackExit(m: Machine, frame: Frame, loop: LoopState): void {
  const count = loop.index + 1n;
  if (reg(m, 0) === 0n && count < loop.nr) {
    loop.index = count;
    m.regs[FP] = stackTop(frameStack(m, m.frames.length));
    startIteration(m, loop);
    return;
  }
  popFrame(m, frame);
  m.regs[0] = count;
}

function startIteration(m: Machine, loop: LoopState): void {
  m.regs[1] = loop.index;
  m.regs[2] = loop.ctx;
  for (let r = 3; r <= 5; r++) m.regs[r] = 0n;
  m.pc = loop.entry;
}

function returnFromCall(m: Machine, value: bigint): undefined {
  m.regs[0] = BigInt.asUintN(64, value);
  m.pc += 1;
  return undefined;
}
