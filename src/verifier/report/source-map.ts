// Source locations of a linked program's slots. The program comes first,
// then (when it calls subprograms) all of .text in section order, exactly as
// cfg/link-program.ts lays them out; each function's line records are
// re-based to that layout. A record covers the slots up to the next one of
// the same function.
import type { FunctionSpec, ObjectSpec, ProgramSpec, SourceLine } from "../object/index.js";

export interface SourceRef {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

export type SourceMap = (pc: number) => SourceRef | undefined;

export function sourceMap(obj: ObjectSpec, prog: ProgramSpec): SourceMap {
  const text = [...obj.subprograms].sort((a, b) => a.insnOffset - b.insnOffset);
  const usesText = prog.relocations.some((r) => r.target.kind === "subprogram");
  const parts: { fn: FunctionSpec; base: number }[] = [{ fn: prog, base: 0 }];
  if (usesText) for (const fn of text) parts.push({ fn, base: prog.insnCount + fn.insnOffset });
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
