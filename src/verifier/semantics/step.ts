// One instruction of the concrete interpreter: updates the machine in place
// and returns a RunResult only when the program ends or faults.
import { assertNever, lddwValue, type Reg } from "../isa/index.js";
import { aluOp, endian, jumpTaken, mov, movsx, neg } from "./alu.js";
import { funcAddress } from "./bpf-loop.js";
import { stepCall, stepCallx, stepExit } from "./step-call.js";
import { stepMemory } from "./step-mem.js";
import { fault, operandValue, reg, type Machine, type RunResult } from "./machine.js";

export function step(m: Machine): RunResult | undefined {
  const insn = m.code[m.pc];
  if (insn === undefined) {
    const why = m.pc >= m.code.length ? "fell-off-end" : "bad-jump";
    return fault(m, why, `no instruction starts at slot ${m.pc}`);
  }
  if (++m.steps > m.env.maxSteps)
    return fault(m, "step-limit", `more than ${m.env.maxSteps} steps`);
  const set = (r: Reg, v: bigint) => {
    m.regs[r] = v;
    m.pc += 1;
    return undefined;
  };
  switch (insn.kind) {
    case "alu":
      return set(insn.dst, aluOp(insn.op, insn.width, reg(m, insn.dst), operandValue(m, insn.src)));
    case "mov":
      return set(insn.dst, mov(insn.width, operandValue(m, insn.src)));
    case "movsx":
      return set(insn.dst, movsx(insn.width, insn.bits, reg(m, insn.src)));
    case "neg":
      return set(insn.dst, neg(insn.width, reg(m, insn.dst)));
    case "endian":
      return set(insn.dst, endian(insn.order, insn.bits, reg(m, insn.dst)));
    case "lddw":
      return stepLddw(m, insn);
    case "jump": {
      const taken = jumpTaken(insn.cond, insn.width, reg(m, insn.dst), operandValue(m, insn.src));
      m.pc += 1 + (taken ? insn.off : 0);
      return undefined;
    }
    case "goto":
      m.pc += 1 + insn.off;
      return undefined;
    case "call":
      return stepCall(m, insn.target);
    case "callx":
      return stepCallx(m, insn.reg);
    case "exit":
      return stepExit(m);
    case "load":
    case "store":
    case "store-imm":
    case "atomic":
    case "ld-packet":
      return stepMemory(m, insn);
    default:
      return assertNever(insn);
  }
}

function stepLddw(
  m: Machine,
  insn: {
    src: Parameters<Machine["env"]["resolveLddw"]>[0];
    dst: Reg;
    imm: number;
    nextImm: number;
  },
) {
  const value =
    insn.src === "imm64"
      ? lddwValue(insn)
      : insn.src === "func"
        ? funcAddress(m.pc + 1 + insn.imm)
        : m.env.resolveLddw(insn.src, insn.imm, insn.nextImm, m.memory);
  if (value === undefined)
    return fault(m, "unresolved-lddw", `lddw ${insn.src} ${insn.imm} has no binding`);
  m.regs[insn.dst] = value;
  m.pc += 2;
  return undefined;
}
