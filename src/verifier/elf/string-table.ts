// NUL-terminated string tables (ELF .strtab/.shstrtab and the BTF string
// section share the format). Offsets are checked, and a string must end
// inside the table.
import type { ByteView } from "./byte-view.js";
import { failInput } from "./issue.js";

export class StringTable {
  constructor(private readonly view: ByteView) {}

  get size(): number {
    return this.view.length;
  }

  /**
   * The string at `off`. `field` names the field that held the offset and
   * `at` is where that field sits in the file, so an issue points at the
   * bad reference rather than into the table.
   */
  get(off: number, field: string, at: number): string {
    const s = this.tryGet(off);
    if (s !== undefined) return s;
    const detail =
      off < 0 || off >= this.size
        ? `string offset ${off} is outside the string table of ${this.size} bytes`
        : `string at offset ${off} has no terminating nul`;
    return failInput(this.view.step, "bad-string", field, at, detail);
  }

  /** The string at `off`, or undefined when out of range or unterminated (the hot path for big BTF). */
  tryGet(off: number): string | undefined {
    const bytes = this.view.bytes;
    if (off < 0 || off >= bytes.length) return undefined;
    const end = bytes.indexOf(0, off);
    return end < 0 ? undefined : bytes.toString("utf8", off, end);
  }
}
