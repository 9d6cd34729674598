// Which registers an instruction reads and writes, for the replay's shadow
// tracking of unwritten registers (the concrete interpreter has no notion of
// an unwritten register; the symbolic executor does).
import { assertNever, type Insn, type Reg } from "../isa/index.js";
import { BPF_LOOP } from "../semantics/index.js";
import { HELPERS } from "../vc/index.js";

const regOf = (o: { kind: "reg"; reg: Reg } | { kind: "imm" }): Reg[] =>
  o.kind === "reg" ? [o.reg] : [];

export function reads(insn: Insn): Reg[] {
  switch (insn.kind) {
    case "alu":
      return [insn.dst, ...regOf(insn.src)];
    case "mov":
      return regOf(insn.src);
    case "movsx":
      return [insn.src];
    case "neg":
    case "endian":
      return [insn.dst];
    case "load":
      return [insn.src];
    case "store":
      return [insn.dst, insn.src];
    case "store-imm":
      return [insn.dst];
    case "atomic":
      return insn.op === "cmpxchg" ? [insn.dst, insn.src, 0] : [insn.dst, insn.src];
    case "jump":
      return [insn.dst, ...regOf(insn.src)];
    case "call":
      if (insn.target.kind !== "helper") return [];
      if (insn.target.id === BPF_LOOP) return [1, 2, 3, 4];
      return (HELPERS.get(insn.target.id)?.args ?? []).map((_, i) => i + 1);
    case "callx":
      return [insn.reg];
    case "exit":
      return [0];
    case "ld-packet":
      return insn.mode === "ind" ? [6, insn.src] : [6];
    case "goto":
    case "lddw":
      return [];
    default:
      return assertNever(insn);
  }
}

export function writes(insn: Insn): Reg[] {
  switch (insn.kind) {
    case "alu":
    case "mov":
    case "movsx":
    case "neg":
    case "endian":
    case "load":
    case "lddw":
      return [insn.dst];
    case "atomic":
      return insn.op === "cmpxchg" ? [0] : insn.fetch ? [insn.src] : [];
    case "ld-packet":
    case "callx":
      return [0];
    case "call":
      return insn.target.kind === "helper" ? [0] : [];
    case "store":
    case "store-imm":
    case "jump":
    case "goto":
    case "exit":
      return [];
    default:
      return assertNever(insn);
  }
}
