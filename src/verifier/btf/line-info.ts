// Source locations for instructions, from .BTF.ext line_info. A record
// covers its instruction and every following one up to the next record.
import type { BtfExt, LineInfo } from "./ext.js";

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

/** The location of the instruction at `byteOffset` in ELF section `section`, if line info covers it. */
export function lineAt(
  ext: BtfExt,
  section: string,
  byteOffset: number,
): SourceLocation | undefined {
  const records = ext.lineInfo.find((s) => s.section === section)?.records ?? [];
  let best: LineInfo | undefined;
  for (const r of records) {
    if (r.insnOff <= byteOffset && (best === undefined || r.insnOff >= best.insnOff)) best = r;
  }
  return best === undefined
    ? undefined
    : { file: best.fileName, line: best.line, column: best.column, text: best.lineText };
}

/** For a program starting at section byte offset `progOffset`: the location of its instruction `insnIndex`. */
export function programLineAt(
  ext: BtfExt,
  section: string,
  progOffset: number,
  insnIndex: number,
): SourceLocation | undefined {
  return lineAt(ext, section, progOffset + insnIndex * 8);
}
