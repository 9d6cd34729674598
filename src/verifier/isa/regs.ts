// Register use/def per instruction. The decoder uses it to reject writes to
// r10; the interpreter and later the symbolic step share the same view.
import { assertNever, type Insn, type Reg } from "./insn.js";

/** Registers an instruction writes (calls clobber r0-r5 in addition). */
export function writtenRegs(insn: Insn): readonly Reg[] {
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
      if (insn.op === "cmpxchg") return [0];
      return insn.fetch ? [insn.src] : [];
    case "ld-packet":
      return [0];
    case "call":
    case "callx":
      return [0, 1, 2, 3, 4, 5];
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
