// Relocation sections (.rel<sec>, and .rela<sec> for completeness): each entry
// resolved to its symbol, that symbol's section, and what it refers to.
import type { ByteView } from "./byte-view.js";
import { failInput } from "./issue.js";
import { classifyTarget, type RelocTarget } from "./relocation-target.js";
import { SHT_REL, SHT_RELA, isExecutable, type ElfSection } from "./section.js";
import type { ElfSymbol } from "./symbol.js";

export type RelocType =
  | "R_BPF_NONE"
  | "R_BPF_64_64"
  | "R_BPF_64_ABS64"
  | "R_BPF_64_ABS32"
  | "R_BPF_64_NODYLD32"
  | "R_BPF_64_32"
  | "unknown";

const RELOC_TYPES: Readonly<Record<number, RelocType>> = {
  0: "R_BPF_NONE",
  1: "R_BPF_64_64",
  2: "R_BPF_64_ABS64",
  3: "R_BPF_64_ABS32",
  4: "R_BPF_64_NODYLD32",
  10: "R_BPF_64_32",
};

export interface ElfRelocation {
  /** Byte offset in the target section. */
  readonly offset: number;
  readonly type: RelocType;
  readonly typeCode: number;
  readonly symbol: ElfSymbol;
  /** Only .rela entries carry an explicit addend; BPF uses .rel with the addend in the instruction. */
  readonly addend: number | undefined;
  readonly target: RelocTarget;
}

export interface ElfRelocationSection {
  readonly index: number;
  readonly name: string;
  /** Index and name of the section the relocations apply to (sh_info). */
  readonly targetIndex: number;
  readonly targetSection: string;
  readonly relocations: readonly ElfRelocation[];
}

export function readRelocations(
  v: ByteView,
  sections: readonly ElfSection[],
  symbols: readonly ElfSymbol[],
): ElfRelocationSection[] {
  return sections
    .filter((s) => s.type === SHT_REL || s.type === SHT_RELA)
    .map((s) => readRelSection(v, s, sections, symbols));
}

function readRelSection(
  v: ByteView,
  rel: ElfSection,
  sections: readonly ElfSection[],
  symbols: readonly ElfSymbol[],
): ElfRelocationSection {
  const isRela = rel.type === SHT_RELA;
  const entSize = isRela ? 24 : 16;
  const field = `sections[${rel.index}]`;
  if (rel.entsize !== entSize)
    failInput(
      v.step,
      "bad-entry-size",
      `${field}.sh_entsize`,
      rel.offset,
      `relocation entry size is ${rel.entsize}, want ${entSize}`,
    );
  const target = sections[rel.info];
  if (target === undefined)
    failInput(
      v.step,
      "bad-index",
      `${field}.sh_info`,
      rel.offset,
      `relocated section index ${rel.info} does not exist`,
    );
  const count = Math.floor(rel.size / entSize);
  const relocations = Array.from({ length: count }, (_, i) => {
    const base = rel.offset + i * entSize;
    return readEntry(v, base, `${field}.relocations[${i}]`, isRela, target, sections, symbols);
  });
  return {
    index: rel.index,
    name: rel.name,
    targetIndex: target.index,
    targetSection: target.name,
    relocations,
  };
}

function readEntry(
  v: ByteView,
  base: number,
  field: string,
  isRela: boolean,
  target: ElfSection,
  sections: readonly ElfSection[],
  symbols: readonly ElfSymbol[],
): ElfRelocation {
  const offset = v.u64(base, `${field}.r_offset`);
  const typeCode = v.u32(base + 8, `${field}.r_info`);
  const symIndex = v.u32(base + 12, `${field}.r_info`);
  const symbol = symbols[symIndex];
  if (symbol === undefined)
    failInput(
      v.step,
      "bad-index",
      `${field}.r_info`,
      base + 12,
      `symbol index ${symIndex} is not below the symbol count ${symbols.length}`,
    );
  const insn = isExecutable(target) ? readInsnHead(v, target, offset, field) : undefined;
  return {
    offset,
    type: RELOC_TYPES[typeCode] ?? "unknown",
    typeCode,
    symbol,
    addend: isRela ? Number(v.u64Big(base + 16, `${field}.r_addend`)) : undefined,
    target: classifyTarget(symbol, sections, symbols, insn),
  };
}

/** The opcode and imm of the relocated instruction: enough to tell a call from a load, without decoding the ISA. */
function readInsnHead(
  v: ByteView,
  sec: ElfSection,
  offset: number,
  field: string,
): { opcode: number; imm: number } {
  if (offset % 8 !== 0 || offset + 8 > sec.size) {
    failInput(
      v.step,
      "bad-value",
      `${field}.r_offset`,
      sec.offset + offset,
      `relocation offset ${offset} is not an instruction in section ${sec.name} of ${sec.size} bytes`,
    );
  }
  return {
    opcode: v.u8(sec.offset + offset, `${field}.insn.code`),
    imm: v.i32(sec.offset + offset + 4, `${field}.insn.imm`),
  };
}
