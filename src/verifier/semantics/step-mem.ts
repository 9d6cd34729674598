// Loads, stores, atomics and legacy packet loads. Every access goes through
// the region table, so a bad pointer becomes a "memory" fault with the pc.
import { assertNever, type Insn } from "../isa/index.js";
import { atomicResult, immValue, signExtend, truncate } from "./alu.js";
import { fault, reg, type Machine, type RunResult } from "./machine.js";
import { describeFault, load, store, type MemResult } from "./memory.js";

type MemInsn = Extract<Insn, { kind: "load" | "store" | "store-imm" | "atomic" | "ld-packet" }>;

const addr = (base: bigint, off: number): bigint => BigInt.asUintN(64, base + BigInt(off));

export function stepMemory(m: Machine, insn: MemInsn): RunResult | undefined {
  const checked = <T>(r: MemResult<T>): T | RunResult =>
    r.ok ? r.value : fault(m, "memory", describeFault(r.fault));
  switch (insn.kind) {
    case "load": {
      const v = checked(load(m.memory, addr(reg(m, insn.src), insn.off), insn.size));
      if (typeof v !== "bigint") return v;
      m.regs[insn.dst] = insn.signed ? signExtend(v, insn.size * 8) : v;
      break;
    }
    case "store":
    case "store-imm": {
      const value = insn.kind === "store" ? reg(m, insn.src) : immValue(insn.imm);
      const r = checked(store(m.memory, addr(reg(m, insn.dst), insn.off), insn.size, value));
      if (r !== undefined) return r;
      break;
    }
    case "atomic":
      return stepAtomic(m, insn, checked);
    case "ld-packet":
      return stepPacket(m, insn, checked);
    default:
      return assertNever(insn);
  }
  m.pc += 1;
  return undefined;
}

type Checked = <T>(r: MemResult<T>) => T | RunResult;

function stepAtomic(m: Machine, insn: Extract<Insn, { kind: "atomic" }>, checked: Checked) {
  const at = addr(reg(m, insn.dst), insn.off);
  const old = checked(load(m.memory, at, insn.size));
  if (typeof old !== "bigint") return old;
  const bits = insn.size * 8;
  const src = truncate(reg(m, insn.src), bits);
  let next: bigint;
  if (insn.op === "cmpxchg") {
    // r0 is compared (its low 32 bits for the 32-bit form) and receives the old value.
    next = truncate(reg(m, 0), bits) === old ? src : old;
    m.regs[0] = old;
  } else {
    next = atomicResult(insn.op, insn.size, old, src);
    if (insn.fetch) m.regs[insn.src] = old;
  }
  const r = checked(store(m.memory, at, insn.size, next));
  if (r !== undefined) return r;
  m.pc += 1;
  return undefined;
}

/** Legacy LD ABS/IND: big-endian read from the input packet into r0. */
function stepPacket(m: Machine, insn: Extract<Insn, { kind: "ld-packet" }>, checked: Checked) {
  const packet = m.memory.regions.find((r) => r.kind === "packet" || r.kind === "ctx");
  if (packet === undefined) return fault(m, "memory", "packet load without a packet region");
  const base = insn.mode === "ind" ? reg(m, insn.src) : 0n;
  const v = checked(load(m.memory, addr(packet.base + base, insn.imm), insn.size));
  if (typeof v !== "bigint") return v;
  let be = 0n;
  for (let i = 0; i < insn.size; i++) be = (be << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  m.regs[0] = be;
  m.pc += 1;
  return undefined;
}
