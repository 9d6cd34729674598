// NUL-terminated string tables (ELF .strtab/.shstrtab and the BTF string
// section share the format). Offsets are checked, and a string must end
// inside the table.
import type { ByteView } from "./byte-view.js";
import { failInput } from "./issue.js";

export class StringTable {
  private readonly cache = new Map<number, string>();

  constructor(private readonly view: ByteView) {}

  get size(): number {
    return this.view.length;
  }

  /** The string at `off`; `field` names the field that held the offset, for issues. */
  get(off: number, field: string): string {
    const hit = this.cache.get(off);
    if (hit !== undefined) return hit;
    const bytes = this.view.bytes;
    if (off < 0 || off >= bytes.length) {
      failInput(
        this.view.step,
        "bad-string",
        field,
        this.view.base + off,
        `string offset ${off} is outside the string table of ${bytes.length} bytes`,
      );
    }
    const end = bytes.indexOf(0, off);
    if (end < 0)
      failInput(
        this.view.step,
        "bad-string",
        field,
        this.view.base + off,
        `string at offset ${off} has no terminating nul`,
      );
    const s = bytes.toString("utf8", off, end);
    this.cache.set(off, s);
    return s;
  }
}
