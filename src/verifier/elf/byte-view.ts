// Bounds-checked little-endian reads. Every read names the field it is for, so
// an out-of-range read becomes a precise "truncated" issue instead of a
// RangeError from DataView.
import { failInput, type Step } from "./issue.js";

export class ByteView {
  private readonly dv: DataView;

  constructor(
    readonly bytes: Buffer,
    readonly step: Step,
    /** Added to every offset in issues, when this view is a window into a bigger file. */
    readonly base = 0,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  need(off: number, len: number, field: string): void {
    if (off < 0 || len < 0 || off + len > this.bytes.length) {
      failInput(
        this.step,
        "truncated",
        field,
        this.base + off,
        `needs ${len} bytes but input has ${Math.max(0, this.bytes.length - off)}`,
      );
    }
  }

  u8(off: number, field: string): number {
    this.need(off, 1, field);
    return this.dv.getUint8(off);
  }

  u16(off: number, field: string): number {
    this.need(off, 2, field);
    return this.dv.getUint16(off, true);
  }

  u32(off: number, field: string): number {
    this.need(off, 4, field);
    return this.dv.getUint32(off, true);
  }

  i32(off: number, field: string): number {
    this.need(off, 4, field);
    return this.dv.getInt32(off, true);
  }

  /** u64 as a number; offsets and sizes above 2^53 cannot be real in an object file. */
  u64(off: number, field: string): number {
    this.need(off, 8, field);
    const v = this.dv.getBigUint64(off, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      failInput(this.step, "bad-value", field, this.base + off, `value ${v} is too large`);
    return Number(v);
  }

  /** u64 kept exact, for values that may use all 64 bits (enum64 values, symbol values). */
  u64Big(off: number, field: string): bigint {
    this.need(off, 8, field);
    return this.dv.getBigUint64(off, true);
  }

  slice(off: number, len: number, field: string): Buffer {
    this.need(off, len, field);
    return this.bytes.subarray(off, off + len);
  }

  /** A window whose issue offsets stay absolute. */
  view(off: number, len: number, field: string, step: Step = this.step): ByteView {
    return new ByteView(this.slice(off, len, field), step, this.base + off);
  }
}
