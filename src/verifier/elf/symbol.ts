// The symbol table (.symtab) with names from its linked string table.
import type { ByteView } from "./byte-view.js";
import { failInput } from "./issue.js";
import { SHT_SYMTAB, type ElfSection } from "./section.js";
import { StringTable } from "./string-table.js";

const SYM_SIZE = 24;
export const SHN_UNDEF = 0;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;

export type SymbolBinding = "local" | "global" | "weak" | "other";
export type SymbolType =
  "notype" | "object" | "func" | "section" | "file" | "common" | "tls" | "other";
export type SymbolVisibility = "default" | "internal" | "hidden" | "protected";

const BINDINGS: readonly SymbolBinding[] = ["local", "global", "weak"];
const TYPES: readonly SymbolType[] = [
  "notype",
  "object",
  "func",
  "section",
  "file",
  "common",
  "tls",
];
const VISIBILITIES: readonly SymbolVisibility[] = ["default", "internal", "hidden", "protected"];

export interface ElfSymbol {
  readonly index: number;
  /** For section symbols (which have no name of their own) this is the section's name. */
  readonly name: string;
  readonly value: number;
  readonly size: number;
  /** st_shndx: a section index, or SHN_UNDEF (0) / SHN_ABS / SHN_COMMON. */
  readonly sectionIndex: number;
  /** The section's name, or undefined for undefined, absolute and common symbols. */
  readonly section: string | undefined;
  readonly binding: SymbolBinding;
  readonly type: SymbolType;
  readonly visibility: SymbolVisibility;
}

export function readSymbols(v: ByteView, sections: readonly ElfSection[]): ElfSymbol[] {
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (symtab === undefined) return [];
  const field = `sections[${symtab.index}]`;
  if (symtab.entsize !== SYM_SIZE)
    failInput(
      v.step,
      "bad-entry-size",
      `${field}.sh_entsize`,
      symtab.offset,
      `symbol entry size is ${symtab.entsize}, want ${SYM_SIZE}`,
    );
  const strSec = sections[symtab.link];
  if (strSec === undefined)
    failInput(
      v.step,
      "bad-index",
      `${field}.sh_link`,
      symtab.offset,
      `symbol string table index ${symtab.link} does not exist`,
    );
  const names = new StringTable(v.view(strSec.offset, strSec.size, `sections[${strSec.index}]`));
  const count = Math.floor(symtab.size / SYM_SIZE);
  return Array.from({ length: count }, (_, i) =>
    readSymbol(v, symtab.offset + i * SYM_SIZE, i, names, sections),
  );
}

function readSymbol(
  v: ByteView,
  base: number,
  index: number,
  names: StringTable,
  sections: readonly ElfSection[],
): ElfSymbol {
  const f = (name: string): string => `symbols[${index}].${name}`;
  const info = v.u8(base + 4, f("st_info"));
  const other = v.u8(base + 5, f("st_other"));
  const sectionIndex = v.u16(base + 6, f("st_shndx"));
  const isSpecial = sectionIndex === SHN_UNDEF || sectionIndex >= 0xff00;
  const sec = isSpecial ? undefined : sections[sectionIndex];
  if (!isSpecial && sec === undefined)
    failInput(
      v.step,
      "bad-index",
      f("st_shndx"),
      base + 6,
      `section index ${sectionIndex} does not exist`,
    );
  const type = TYPES[info & 0xf] ?? "other";
  const ownName = names.get(v.u32(base, f("st_name")), f("st_name"), base);
  return {
    index,
    name: type === "section" && ownName === "" && sec !== undefined ? sec.name : ownName,
    value: v.u64(base + 8, f("st_value")),
    size: v.u64(base + 16, f("st_size")),
    sectionIndex,
    section: sec?.name,
    binding: BINDINGS[info >> 4] ?? "other",
    type,
    visibility: VISIBILITIES[other & 0x3] ?? "default",
  };
}
