// Witnesses for the checks vc/bpf-loop.ts makes: a callback run that returns
// something other than 0 or 1, and a bpf_loop call whose context argument is
// neither NULL nor a stack pointer.
import type { Insn } from "../isa/index.js";
import { BPF_LOOP, locate, type Machine } from "../semantics/index.js";

/** At a callback's exit: its return value when outside 0..1. */
export function callbackReturnWitness(insn: Insn, m: Machine): string | undefined {
  if (insn.kind !== "exit" || m.frames.at(-1)?.loop === undefined) return undefined;
  const r0 = m.regs[0] ?? 0n;
  return r0 > 1n ? `the bpf_loop callback returns ${BigInt.asIntN(64, r0)}` : undefined;
}

export const isBpfLoopCall = (insn: Insn): boolean =>
  insn.kind === "call" && insn.target.kind === "helper" && insn.target.id === BPF_LOOP;

/** At a bpf_loop call: r3 when it is neither NULL nor inside a stack. */
export function loopContextWitness(m: Machine): string | undefined {
  const r3 = m.regs[3] ?? 0n;
  if (r3 === 0n) return undefined;
  const at = locate(m.memory, r3, 1);
  if (at.ok && at.value.region.kind === "stack") return undefined;
  return `bpf_loop r3 = 0x${r3.toString(16)} is neither NULL nor a stack pointer`;
}
