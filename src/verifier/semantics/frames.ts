// Call frames of the concrete interpreter. A frame saves the caller's r6-r9
// and r10 and gives the callee a fresh 512-byte stack; popping it restores
// them. Local calls and bpf_loop callbacks both go through here.
import type { Reg } from "../isa/index.js";
import { FP, reg, STACK_SIZE, type Frame, type Machine } from "./machine.js";
import { addRegion, type Region } from "./memory.js";

const CALLEE_SAVED: readonly Reg[] = [6, 7, 8, 9, FP];

/** Pushes a frame returning to `returnPc`, or answers why it cannot. */
export function pushFrame(m: Machine, returnPc: number, loop?: Frame["loop"]): string | undefined {
  if (m.frames.length + 1 >= m.env.maxFrames) return `call depth exceeds ${m.env.maxFrames} frames`;
  const saved = CALLEE_SAVED.map((r) => reg(m, r));
  m.frames.push(loop === undefined ? { returnPc, saved } : { returnPc, saved, loop });
  m.regs[FP] = stackTop(frameStack(m, m.frames.length));
  return undefined;
}

/** Pops the innermost frame, restoring the caller's registers and pc. */
export function popFrame(m: Machine, frame: Frame): void {
  m.frames.pop();
  CALLEE_SAVED.forEach((r, i) => (m.regs[r] = frame.saved[i] ?? 0n));
  m.pc = frame.returnPc;
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
