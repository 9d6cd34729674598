// Parses the instruction lines of `llvm-objdump -d` output (slot index, the
// hex byte column, the text) so tests can compare our decoder and printer
// against LLVM's on the same bytes.

export interface ListingLine {
  /** the section the line belongs to */
  readonly section: string;
  /** slot index within the section */
  readonly slot: number;
  readonly bytes: Uint8Array;
  readonly text: string;
}

const INSN = /^\s*(\d+):\t((?:[0-9a-f]{2} )*[0-9a-f]{2})\s*\t(.*)$/;
const SECTION = /^Disassembly of section (.+):$/;

export function parseListing(output: string): ListingLine[] {
  const out: ListingLine[] = [];
  let section = "";
  for (const line of output.split("\n")) {
    const s = SECTION.exec(line);
    if (s) section = s[1] as string;
    const m = INSN.exec(line);
    if (!m) continue;
    const bytes = Uint8Array.from((m[2] as string).split(" ").map((b) => parseInt(b, 16)));
    out.push({ section, slot: Number(m[1]), bytes, text: m[3] as string });
  }
  return out;
}

/** Drops LLVM's `<symbol+offset>` branch-target annotation. */
export const stripTarget = (text: string): string => text.replace(/ <[^<>]*>$/, "");
