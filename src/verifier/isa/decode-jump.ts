// Decodes the JMP and JMP32 classes: conditional jumps, goto/gotol, the three
// call flavours (helper, local, kfunc), callx and exit.
import { badOpcode, fail, ok, requireZero, unless, type SlotResult } from "./decode-fields.js";
import type { JmpCond, Operand } from "./insn.js";
import { problem } from "./issue.js";
import { CLASS, JMP_CODE, opClass, opCode, opSource, SRC_X } from "./opcodes.js";
import type { RawInsn } from "./raw.js";

const CONDS: ReadonlyMap<number, JmpCond> = new Map<number, JmpCond>([
  [JMP_CODE.jeq, "eq"],
  [JMP_CODE.jgt, "gt"],
  [JMP_CODE.jge, "ge"],
  [JMP_CODE.jset, "set"],
  [JMP_CODE.jne, "ne"],
  [JMP_CODE.jsgt, "sgt"],
  [JMP_CODE.jsge, "sge"],
  [JMP_CODE.jlt, "lt"],
  [JMP_CODE.jle, "le"],
  [JMP_CODE.jslt, "slt"],
  [JMP_CODE.jsle, "sle"],
]);

export function decodeJump(raw: RawInsn): SlotResult {
  const is32 = opClass(raw.opcode) === CLASS.JMP32;
  const code = opCode(raw.opcode);
  const isX = opSource(raw.opcode) === SRC_X;
  if (code === JMP_CODE.ja) {
    if (isX) return badOpcode(raw);
    // JMP32 JA (gotol) carries its target in imm, JMP JA in off.
    return is32
      ? unless(requireZero(raw, "dst", "src", "off"), () =>
          ok({ kind: "goto", off: raw.imm, long: true }),
        )
      : unless(requireZero(raw, "dst", "src", "imm"), () =>
          ok({ kind: "goto", off: raw.off, long: false }),
        );
  }
  if (code === JMP_CODE.exit) {
    if (is32 || isX) return badOpcode(raw);
    return unless(requireZero(raw, "dst", "src", "off", "imm"), () => ok({ kind: "exit" }));
  }
  if (code === JMP_CODE.call) {
    if (is32) return badOpcode(raw);
    return isX ? decodeCallx(raw) : decodeCall(raw);
  }
  const cond = CONDS.get(code);
  if (cond === undefined) return badOpcode(raw);
  const p = requireZero(raw, isX ? "imm" : "src");
  if (p) return fail(p);
  const src: Operand = isX ? { kind: "reg", reg: raw.src } : { kind: "imm", value: raw.imm };
  return ok({ kind: "jump", cond, width: is32 ? 32 : 64, dst: raw.dst, src, off: raw.off });
}

function decodeCall(raw: RawInsn): SlotResult {
  const p = requireZero(raw, "dst");
  if (p) return fail(p);
  switch (raw.src) {
    case 0:
      return unless(requireZero(raw, "off"), () =>
        ok({ kind: "call", target: { kind: "helper", id: raw.imm } }),
      );
    case 1:
      return unless(requireZero(raw, "off"), () =>
        ok({ kind: "call", target: { kind: "local", off: raw.imm } }),
      );
    case 2:
      // off selects the BTF object (0 = vmlinux, otherwise a module fd index).
      return ok({ kind: "call", target: { kind: "kfunc", btfId: raw.imm, module: raw.off } });
    default:
      return fail(
        problem(
          "reserved-nonzero",
          `call src must be 0 (helper), 1 (local) or 2 (kfunc), got ${raw.src}`,
        ),
      );
  }
}

/** callx (Linux/LLVM extension): the target register sits in the dst field. */
function decodeCallx(raw: RawInsn): SlotResult {
  return unless(requireZero(raw, "src", "off", "imm"), () => ok({ kind: "callx", reg: raw.dst }));
}
