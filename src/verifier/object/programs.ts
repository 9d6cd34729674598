// Programs and subprograms, listed like libbpf: every function symbol in an
// executable section is a program, except in .text, where functions are
// subprograms that programs call.
import type { Btf } from "../btf/btf.js";
import type { BtfExt } from "../btf/ext.js";
import { findType } from "../btf/lookup.js";
import { relocationsFor, sectionBytes, type ElfFile } from "../elf/elf-file.js";
import { assertNever, issue, type Issue } from "../elf/issue.js";
import type { RelocTarget } from "../elf/relocation-target.js";
import { isExecutable, type ElfSection } from "../elf/section.js";
import type { ElfSymbol } from "../elf/symbol.js";
import { variableAt } from "./data-sections.js";
import { matchSection } from "./section-defs.js";
import type {
  DataSection,
  FunctionSpec,
  ProgramReloc,
  ProgramRelocTarget,
  ProgramSpec,
  SourceLine,
} from "./spec.js";

interface Context {
  readonly elf: ElfFile;
  readonly btf: Btf | undefined;
  readonly ext: BtfExt | undefined;
  readonly data: readonly DataSection[];
}

export function readFunctions(ctx: Context): {
  programs: ProgramSpec[];
  subprograms: FunctionSpec[];
  warnings: Issue[];
} {
  const programs: ProgramSpec[] = [];
  const subprograms: FunctionSpec[] = [];
  const warnings: Issue[] = [];
  for (const sec of ctx.elf.sections.filter(isExecutable)) {
    for (const sym of functionsIn(ctx.elf, sec)) {
      const fn = functionSpec(ctx, sec, sym);
      if (sec.name === ".text") subprograms.push(fn);
      else if (sym.binding === "local")
        warnings.push(
          issue(
            "read object",
            "unsupported",
            `symbols[${sym.index}]`,
            sym.value,
            `program ${sym.name} in ${sec.name} is static; libbpf rejects static programs`,
          ),
        );
      else programs.push(programSpec(fn));
    }
  }
  return { programs, subprograms, warnings };
}

function functionsIn(elf: ElfFile, sec: ElfSection): ElfSymbol[] {
  return elf.symbols
    .filter((s) => s.type === "func" && s.sectionIndex === sec.index)
    .sort((a, b) => a.value - b.value);
}

function programSpec(fn: FunctionSpec): ProgramSpec {
  const m = matchSection(fn.section);
  return {
    ...fn,
    progType: m?.def.progType ?? "BPF_PROG_TYPE_UNSPEC",
    attachType: m?.def.attachType,
    attachTarget: m?.attachTarget,
    sleepable: m?.def.sleepable ?? false,
  };
}

function functionSpec(ctx: Context, sec: ElfSection, sym: ElfSymbol): FunctionSpec {
  const start = sym.value;
  const end = sym.value + sym.size;
  const relocs = relocationsFor(ctx.elf, sec.index)?.relocations ?? [];
  return {
    name: sym.name,
    section: sec.name,
    insnOffset: start / 8,
    insnCount: sym.size / 8,
    instructions: sectionBytes(ctx.elf, sec).subarray(start, end),
    relocations: relocs
      .filter((r) => r.offset >= start && r.offset < end)
      .map((r): ProgramReloc => ({
        insnIndex: (r.offset - start) / 8,
        type: r.type,
        symbol: r.symbol.name,
        target: resolveTarget(ctx, r.target),
      })),
    lines: linesIn(ctx.ext, sec.name, start, end),
    btfFuncId: ctx.btf ? findType(ctx.btf, sym.name, "func")?.id : undefined,
  };
}

function linesIn(
  ext: BtfExt | undefined,
  section: string,
  start: number,
  end: number,
): SourceLine[] {
  const records = ext?.lineInfo.find((s) => s.section === section)?.records ?? [];
  return records
    .filter((r) => r.insnOff >= start && r.insnOff < end)
    .map((r) => ({
      insnIndex: (r.insnOff - start) / 8,
      file: r.fileName,
      line: r.line,
      column: r.column,
      text: r.lineText,
    }));
}

function resolveTarget(ctx: Context, t: RelocTarget): ProgramRelocTarget {
  switch (t.kind) {
    case "map":
      return { kind: "map", map: t.name };
    case "global-data":
      return {
        kind: "global",
        section: t.section,
        variable: variableAt(ctx.data, t.section, t.offset)?.name,
        offset: t.offset,
      };
    case "subprogram":
      return { kind: "subprogram", function: t.function, insnIndex: t.insnIndex };
    case "extern":
      return { kind: externKind(ctx.btf, t.name), name: t.name };
    case "other":
      return t;
    default:
      return assertNever(t);
  }
}

/** libbpf tells `__kconfig` from `__ksym` externs by the datasec clang put the variable in. */
function externKind(btf: Btf | undefined, name: string): "kconfig" | "ksym" | "extern" {
  for (const [sec, kind] of [
    [".kconfig", "kconfig"],
    [".ksyms", "ksym"],
  ] as const) {
    const ds = btf?.types.find((t) => t.kind === "datasec" && t.name === sec);
    if (ds?.kind === "datasec" && ds.vars.some((v) => btf?.types[v.type]?.name === name))
      return kind;
  }
  return "extern";
}
