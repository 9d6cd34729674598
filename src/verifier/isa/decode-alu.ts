// Decodes the ALU and ALU64 classes, including the ISA v4 forms that reuse
// the offset field: sdiv/smod (off = 1) and movsx (off = 8/16/32).
import { badOpcode, fail, ok, requireZero, unless, type SlotResult } from "./decode-fields.js";
import type { AluOp, Operand, Width } from "./insn.js";
import { problem } from "./issue.js";
import { ALU_CODE, CLASS, opClass, opCode, opSource, SRC_X } from "./opcodes.js";
import type { RawInsn } from "./raw.js";

const PLAIN_OPS: ReadonlyMap<number, AluOp> = new Map<number, AluOp>([
  [ALU_CODE.add, "add"],
  [ALU_CODE.sub, "sub"],
  [ALU_CODE.mul, "mul"],
  [ALU_CODE.or, "or"],
  [ALU_CODE.and, "and"],
  [ALU_CODE.lsh, "lsh"],
  [ALU_CODE.rsh, "rsh"],
  [ALU_CODE.xor, "xor"],
  [ALU_CODE.arsh, "arsh"],
]);

/** The source operand, checking that the unused one of src/imm is zero. */
function operand(raw: RawInsn): { src: Operand } | { err: SlotResult } {
  if (opSource(raw.opcode) === SRC_X) {
    const p = requireZero(raw, "imm");
    return p ? { err: fail(p) } : { src: { kind: "reg", reg: raw.src } };
  }
  const p = requireZero(raw, "src");
  return p ? { err: fail(p) } : { src: { kind: "imm", value: raw.imm } };
}

export function decodeAlu(raw: RawInsn): SlotResult {
  const width: Width = opClass(raw.opcode) === CLASS.ALU64 ? 64 : 32;
  const code = opCode(raw.opcode);
  const dst = raw.dst;
  if (code === ALU_CODE.end) return decodeEndian(raw, width);
  if (code === ALU_CODE.neg) {
    if (opSource(raw.opcode) === SRC_X) return badOpcode(raw);
    return unless(requireZero(raw, "src", "off", "imm"), () => ok({ kind: "neg", width, dst }));
  }
  const o = operand(raw);
  if ("err" in o) return o.err;
  if (code === ALU_CODE.mov) return decodeMov(raw, width, o.src);
  if (code === ALU_CODE.div || code === ALU_CODE.mod) {
    if (raw.off !== 0 && raw.off !== 1) return fail(badOff(raw, "0 (unsigned) or 1 (signed)"));
    const signed = raw.off === 1;
    const op: AluOp = code === ALU_CODE.div ? (signed ? "sdiv" : "div") : signed ? "smod" : "mod";
    return ok({ kind: "alu", op, width, dst, src: o.src });
  }
  const op = PLAIN_OPS.get(code);
  if (op === undefined) return badOpcode(raw);
  return unless(requireZero(raw, "off"), () => ok({ kind: "alu", op, width, dst, src: o.src }));
}

function decodeMov(raw: RawInsn, width: Width, src: Operand): SlotResult {
  if (raw.off === 0) return ok({ kind: "mov", width, dst: raw.dst, src });
  const bits = raw.off;
  const allowed = width === 64 ? [8, 16, 32] : [8, 16];
  if (src.kind !== "reg" || !allowed.includes(bits)) {
    return fail(badOff(raw, `0 or a movsx width (${allowed.join("/")}) with a register source`));
  }
  return ok({ kind: "movsx", width, dst: raw.dst, src: src.reg, bits: bits as 8 | 16 | 32 });
}

function decodeEndian(raw: RawInsn, width: Width): SlotResult {
  const toBe = opSource(raw.opcode) === SRC_X;
  // ALU64 END has no big-endian form: 0xd7 is the unconditional bswap.
  if (width === 64 && toBe) return badOpcode(raw);
  const p = requireZero(raw, "src", "off");
  if (p) return fail(p);
  if (raw.imm !== 16 && raw.imm !== 32 && raw.imm !== 64) {
    return fail(problem("bad-imm", `byte swap width must be 16, 32 or 64, got ${raw.imm}`));
  }
  const order = width === 64 ? "swap" : toBe ? "be" : "le";
  return ok({ kind: "endian", order, bits: raw.imm, dst: raw.dst });
}

function badOff(raw: RawInsn, expected: string) {
  return problem(
    "bad-offset",
    `opcode 0x${raw.opcode.toString(16)} offset must be ${expected}, got ${raw.off}`,
  );
}
