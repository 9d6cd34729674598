// Source locations of a linked program's slots, in the layout of
// cfg/link-program.ts (the program, then the functions it reaches); each
// function's line records are re-based to that layout. A record covers the
// slots up to the next one of the same function.
import type { ObjectSpec, ProgramSpec, SourceLine } from "../object/index.js";
import { linkLayout } from "../cfg/link-program.js";

export interface SourceRef {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

export type SourceMap = (pc: number) => SourceRef | undefined;

export function sourceMap(obj: ObjectSpec, prog: ProgramSpec): SourceMap {
  const parts = linkLayout(obj, prog);
  return (pc) => {
    const part = parts.find((p) => pc >= p.base && pc < p.base + p.fn.insnCount);
    if (part === undefined) return undefined;
    let best: SourceLine | undefined;
    for (const l of part.fn.lines)
      if (l.insnIndex <= pc - part.base && (best === undefined || l.insnIndex >= best.insnIndex))
        best = l;
    return (
      best && { file: best.file, line: best.line, column: best.column, text: best.text.trim() }
    );
  };
}
