// The 8-byte instruction slot (RFC 9669 section 3): opcode, dst:4 and src:4
// (low nibble dst on little-endian), signed 16-bit offset, signed 32-bit imm.
// A wide instruction (lddw) is two consecutive slots.

export const SLOT_SIZE = 8;

export interface RawInsn {
  readonly opcode: number;
  readonly dst: number;
  readonly src: number;
  /** signed 16-bit */
  readonly off: number;
  /** signed 32-bit */
  readonly imm: number;
}

/** Both slots of a wide instruction; the second slot carries next_imm. */
export type RawWide = readonly [RawInsn, RawInsn];

export function decodeRaw(bytes: Uint8Array, slot: number): RawInsn {
  const view = new DataView(bytes.buffer, bytes.byteOffset + slot * SLOT_SIZE, SLOT_SIZE);
  const regs = view.getUint8(1);
  return {
    opcode: view.getUint8(0),
    dst: regs & 0x0f,
    src: regs >> 4,
    off: view.getInt16(2, true),
    imm: view.getInt32(4, true),
  };
}

/** Splits a byte string into slots; a trailing partial slot is reported by the caller. */
export function decodeRawProgram(bytes: Uint8Array): RawInsn[] {
  const count = Math.floor(bytes.length / SLOT_SIZE);
  return Array.from({ length: count }, (_, i) => decodeRaw(bytes, i));
}

export function encodeRaw(raw: RawInsn, out = new Uint8Array(SLOT_SIZE), at = 0): Uint8Array {
  const view = new DataView(out.buffer, out.byteOffset + at, SLOT_SIZE);
  view.setUint8(0, raw.opcode & 0xff);
  view.setUint8(1, ((raw.src & 0x0f) << 4) | (raw.dst & 0x0f));
  view.setInt16(2, raw.off, true);
  view.setInt32(4, raw.imm | 0, true);
  return out;
}

export function encodeRawProgram(raws: readonly RawInsn[]): Uint8Array {
  const out = new Uint8Array(raws.length * SLOT_SIZE);
  raws.forEach((raw, i) => encodeRaw(raw, out, i * SLOT_SIZE));
  return out;
}

/** Reads the 64-bit immediate of a wide instruction, unsigned. */
export function wideImm(wide: RawWide): bigint {
  const lo = BigInt(wide[0].imm >>> 0);
  const hi = BigInt(wide[1].imm >>> 0);
  return (hi << 32n) | lo;
}
