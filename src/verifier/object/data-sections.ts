// Global data: .data, .rodata, .bss and their suffixed variants
// (.rodata.str1.1, .data.custom), with the variables each one holds.
import type { Btf } from "../btf/btf.js";
import { findType } from "../btf/lookup.js";
import { sectionBytes, type ElfFile } from "../elf/elf-file.js";
import { isDataSection } from "../elf/relocation-target.js";
import type { DataSection, GlobalVariable } from "./spec.js";

export function readDataSections(elf: ElfFile, btf: Btf | undefined): DataSection[] {
  return elf.sections.filter(isDataSection).map((s) => ({
    name: s.name,
    size: s.size,
    readonly: s.name.startsWith(".rodata"),
    bytes: sectionBytes(elf, s),
    variables: elf.symbols
      .filter((y) => y.sectionIndex === s.index && y.type === "object")
      .sort((a, b) => a.value - b.value)
      .map((y) => ({
        name: y.name,
        offset: y.value,
        size: y.size,
        btfTypeId: btf ? findType(btf, y.name, "var")?.type : undefined,
      })),
  }));
}

/** The variable whose bytes include `offset`, if any. */
export function variableAt(
  sections: readonly DataSection[],
  section: string,
  offset: number,
): GlobalVariable | undefined {
  const vars = sections.find((s) => s.name === section)?.variables ?? [];
  return vars.find((v) => v.offset <= offset && offset < v.offset + Math.max(v.size, 1));
}
