// Section headers and their names (from .shstrtab).
import type { ByteView } from "./byte-view.js";
import { ELF64_SHDR_SIZE, type ElfHeader } from "./header.js";
import { failInput } from "./issue.js";
import { StringTable } from "./string-table.js";

export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
const SHN_XINDEX = 0xffff;

const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: "NULL",
  1: "PROGBITS",
  2: "SYMTAB",
  3: "STRTAB",
  4: "RELA",
  5: "HASH",
  6: "DYNAMIC",
  7: "NOTE",
  8: "NOBITS",
  9: "REL",
  11: "DYNSYM",
  14: "INIT_ARRAY",
  15: "FINI_ARRAY",
  17: "GROUP",
  18: "SYMTAB_SHNDX",
  0x6fff4c03: "LLVM_ADDRSIG",
};

/** readelf's flag letters, in readelf's order. */
const FLAG_LETTERS: readonly (readonly [number, string])[] = [
  [0x1, "W"],
  [0x2, "A"],
  [0x4, "X"],
  [0x10, "M"],
  [0x20, "S"],
  [0x40, "I"],
  [0x80, "L"],
  [0x200, "G"],
  [0x400, "T"],
  [0x80000000, "E"],
];

export interface ElfSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  /** readelf's spelling: PROGBITS, NOBITS, REL, ... or 0x<hex> when unknown. */
  readonly typeName: string;
  readonly flags: number;
  /** readelf's letters: "AX", "WA", ... */
  readonly flagLetters: string;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly addralign: number;
  readonly entsize: number;
}

interface RawSection extends Omit<ElfSection, "name" | "typeName" | "flagLetters"> {
  readonly nameOff: number;
}

function readRaw(v: ByteView, base: number, index: number): RawSection {
  const f = (name: string): string => `sections[${index}].${name}`;
  return {
    index,
    nameOff: v.u32(base, f("sh_name")),
    type: v.u32(base + 4, f("sh_type")),
    flags: v.u64(base + 8, f("sh_flags")),
    offset: v.u64(base + 24, f("sh_offset")),
    size: v.u64(base + 32, f("sh_size")),
    link: v.u32(base + 40, f("sh_link")),
    info: v.u32(base + 44, f("sh_info")),
    addralign: v.u64(base + 48, f("sh_addralign")),
    entsize: v.u64(base + 56, f("sh_entsize")),
  };
}

export function readSections(v: ByteView, h: ElfHeader): ElfSection[] {
  if (h.shoff === 0) return [];
  // Extended numbering: with 0xff00 or more sections the real counts live in section 0.
  const first = readRaw(v, h.shoff, 0);
  const count = h.shnum === 0 ? first.size : h.shnum;
  const strndx = h.shstrndx === SHN_XINDEX ? first.link : h.shstrndx;
  v.need(h.shoff, count * ELF64_SHDR_SIZE, "e_shoff");
  const raws = Array.from({ length: count }, (_, i) =>
    readRaw(v, h.shoff + i * ELF64_SHDR_SIZE, i),
  );
  const strSec = raws[strndx];
  if (strSec === undefined)
    failInput(
      v.step,
      "bad-index",
      "e_shstrndx",
      62,
      `e_shstrndx ${strndx} is not below the section count ${count}`,
    );
  for (const r of raws) checkBounds(v, r);
  const names = new StringTable(v.view(strSec.offset, strSec.size, `sections[${strndx}]`));
  return raws.map((r) => {
    const { nameOff, ...rest } = r;
    return {
      ...rest,
      name: names.get(nameOff, `sections[${r.index}].sh_name`, h.shoff + r.index * ELF64_SHDR_SIZE),
      typeName: typeName(r.type),
      flagLetters: flagLetters(r.flags),
    };
  });
}

function checkBounds(v: ByteView, r: RawSection): void {
  if (r.type === SHT_NOBITS || r.type === 0) return;
  if (r.offset + r.size > v.length) {
    failInput(
      v.step,
      "truncated",
      `sections[${r.index}].sh_size`,
      r.offset,
      `section ${r.index} spans ${r.offset}..${r.offset + r.size} but the file has ${v.length} bytes`,
    );
  }
}

function typeName(t: number): string {
  return TYPE_NAMES[t] ?? `0x${t.toString(16)}`;
}

function flagLetters(flags: number): string {
  return FLAG_LETTERS.filter(([bit]) => (flags & bit) !== 0)
    .map(([, l]) => l)
    .join("");
}

export function isExecutable(s: ElfSection): boolean {
  return s.type === SHT_PROGBITS && (s.flags & SHF_EXECINSTR) !== 0;
}
