// Reads a whole eBPF relocatable object: header, sections, symbols and
// relocations. Returns the first fatal input problem as data.
import { ByteView } from "./byte-view.js";
import { readHeader, type ElfHeader } from "./header.js";
import { catchInput, type Result } from "./issue.js";
import { readRelocations, type ElfRelocationSection } from "./relocation.js";
import { SHT_NOBITS, readSections, type ElfSection } from "./section.js";
import { readSymbols, type ElfSymbol } from "./symbol.js";

export interface ElfFile {
  readonly header: ElfHeader;
  readonly sections: readonly ElfSection[];
  readonly symbols: readonly ElfSymbol[];
  readonly relocationSections: readonly ElfRelocationSection[];
  /** The file itself; section contents are windows into it (see sectionBytes). */
  readonly bytes: Buffer;
}

export function readElf(bytes: Buffer): Result<ElfFile> {
  return catchInput(() => {
    const v = new ByteView(bytes, "read elf");
    const header = readHeader(v);
    const sections = readSections(v, header);
    const symbols = readSymbols(v, sections);
    const relocationSections = readRelocations(v, sections, symbols);
    return { header, sections, symbols, relocationSections, bytes };
  });
}

/** The contents of section `name` of any ELF64 file (a vmlinux's .BTF), or undefined. */
export function readSectionOfAnyElf(bytes: Buffer, name: string): Result<Buffer | undefined> {
  return catchInput(() => {
    const v = new ByteView(bytes, "read elf");
    const sections = readSections(v, readHeader(v, "any"));
    const s = sections.find((x) => x.name === name);
    return s && s.type !== SHT_NOBITS ? bytes.subarray(s.offset, s.offset + s.size) : undefined;
  });
}

/** A section's contents; NOBITS sections (.bss) have none in the file and yield zero bytes. */
export function sectionBytes(elf: ElfFile, s: ElfSection): Buffer {
  if (s.type === SHT_NOBITS) return Buffer.alloc(0);
  return elf.bytes.subarray(s.offset, s.offset + s.size);
}

export function findSection(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name);
}

/** The relocations that apply to section `index`. */
export function relocationsFor(elf: ElfFile, index: number): ElfRelocationSection | undefined {
  return elf.relocationSections.find((r) => r.targetIndex === index);
}
