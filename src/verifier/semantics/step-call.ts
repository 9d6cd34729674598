// Calls and returns. A local call pushes a frame (frames.ts); exit from a
// callee pops it, exit from a bpf_loop callback goes on with the loop
// (bpf-loop.ts), exit from the outermost frame ends the program.
import { assertNever, type CallTarget, type Reg } from "../isa/index.js";
import { BPF_LOOP, callBpfLoop, callbackExit } from "./bpf-loop.js";
import { popFrame, pushFrame } from "./frames.js";
import type { Helper } from "./helpers.js";
import { fault, reg, type Machine, type RunResult } from "./machine.js";

export function stepCall(m: Machine, target: CallTarget): RunResult | undefined {
  switch (target.kind) {
    case "helper":
      // bpf_loop calls back into the program, which no table helper can do.
      if (target.id === BPF_LOOP) return callBpfLoop(m);
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
  const refused = pushFrame(m, m.pc + 1);
  if (refused !== undefined) return fault(m, "call-depth", refused);
  m.pc = target;
  return undefined;
}

export function stepExit(m: Machine): RunResult | undefined {
  const frame = m.frames.at(-1);
  if (frame === undefined) return { kind: "exit", r0: reg(m, 0), steps: m.steps };
  if (frame.loop !== undefined) callbackExit(m, frame, frame.loop);
  else popFrame(m, frame);
  return undefined;
}
