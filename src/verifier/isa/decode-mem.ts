// Decodes the single-slot load/store classes: LDX (MEM, MEMSX), ST, STX
// (MEM, ATOMIC) and the legacy packet loads of class LD (ABS, IND).
import { badOpcode, fail, ok, requireZero, unless, type SlotResult } from "./decode-fields.js";
import type { AtomicOp, MemSize } from "./insn.js";
import { problem } from "./issue.js";
import {
  ATOMIC_CODE,
  ATOMIC_FETCH,
  CLASS,
  MODE,
  opClass,
  opMode,
  opSize,
  SIZE_CODE,
} from "./opcodes.js";
import type { RawInsn } from "./raw.js";

function sizeOf(opcode: number): MemSize {
  const code = opSize(opcode);
  if (code === SIZE_CODE[1]) return 1;
  if (code === SIZE_CODE[2]) return 2;
  if (code === SIZE_CODE[4]) return 4;
  return 8;
}

export function decodeMem(raw: RawInsn): SlotResult {
  const mode = opMode(raw.opcode);
  const size = sizeOf(raw.opcode);
  const { dst, src, off, imm } = raw;
  switch (opClass(raw.opcode)) {
    case CLASS.LDX:
      if (mode !== MODE.MEM && !(mode === MODE.MEMSX && size !== 8)) return badOpcode(raw);
      return unless(requireZero(raw, "imm"), () =>
        ok({ kind: "load", size, signed: mode === MODE.MEMSX, dst, src, off }),
      );
    case CLASS.ST:
      if (mode !== MODE.MEM) return badOpcode(raw);
      return unless(requireZero(raw, "src"), () => ok({ kind: "store-imm", size, dst, off, imm }));
    case CLASS.STX:
      if (mode === MODE.MEM)
        return unless(requireZero(raw, "imm"), () => ok({ kind: "store", size, dst, off, src }));
      if (mode === MODE.ATOMIC && (size === 4 || size === 8)) return decodeAtomic(raw, size);
      return badOpcode(raw);
    case CLASS.LD:
      return decodePacket(raw, mode, size);
    default:
      return badOpcode(raw);
  }
}

const ATOMIC_OPS: readonly AtomicOp[] = ["add", "or", "and", "xor"];

function decodeAtomic(raw: RawInsn, size: 4 | 8): SlotResult {
  const { dst, off, src } = raw;
  if (raw.imm === ATOMIC_CODE.xchg || raw.imm === ATOMIC_CODE.cmpxchg) {
    const op = raw.imm === ATOMIC_CODE.xchg ? "xchg" : "cmpxchg";
    return ok({ kind: "atomic", op, fetch: true, size, dst, off, src });
  }
  const fetch = (raw.imm & ATOMIC_FETCH) !== 0;
  const op = ATOMIC_OPS.find((o) => ATOMIC_CODE[o] === (raw.imm & ~ATOMIC_FETCH));
  if (op === undefined)
    return fail(
      problem("bad-imm", `unknown atomic operation imm 0x${(raw.imm >>> 0).toString(16)}`),
    );
  return ok({ kind: "atomic", op, fetch, size, dst, off, src });
}

function decodePacket(raw: RawInsn, mode: number, size: MemSize): SlotResult {
  if (size === 8 || (mode !== MODE.ABS && mode !== MODE.IND)) return badOpcode(raw);
  const isAbs = mode === MODE.ABS;
  const p = isAbs ? requireZero(raw, "dst", "src", "off") : requireZero(raw, "dst", "off");
  return unless(p, () =>
    ok({ kind: "ld-packet", mode: isAbs ? "abs" : "ind", size, src: raw.src, imm: raw.imm }),
  );
}
