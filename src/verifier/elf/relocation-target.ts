// What a relocation refers to, decided like libbpf does from the symbol's
// section: a map, global data, a subprogram, or an extern (kconfig/ksym).
import { SHT_NOBITS, isExecutable, type ElfSection } from "./section.js";
import { SHN_UNDEF, type ElfSymbol } from "./symbol.js";

export type RelocTarget =
  | { readonly kind: "map"; readonly name: string; readonly section: string }
  /** `offset` is the byte offset inside the data section (symbol value plus the instruction's imm). */
  | {
      readonly kind: "global-data";
      readonly section: string;
      readonly symbol: string;
      readonly offset: number;
    }
  /** `insnIndex` is section-relative; `function` names the function symbol starting there, if any. */
  | {
      readonly kind: "subprogram";
      readonly section: string;
      readonly insnIndex: number;
      readonly function: string | undefined;
    }
  /** An undefined symbol: a `__kconfig` or `__ksym` extern; the object reader tells which from BTF. */
  | { readonly kind: "extern"; readonly name: string }
  | { readonly kind: "other"; readonly section: string | undefined; readonly symbol: string };

const BPF_LD_IMM64 = 0x18;
const BPF_CALL = 0x85;

export function isDataSection(s: ElfSection): boolean {
  return /^\.(data|rodata|bss)(\..*)?$/.test(s.name) && (s.type === 1 || s.type === SHT_NOBITS);
}

export function isMapSection(name: string): boolean {
  return name === ".maps" || name === "maps";
}

export function classifyTarget(
  sym: ElfSymbol,
  sections: readonly ElfSection[],
  symbols: readonly ElfSymbol[],
  insn: { opcode: number; imm: number } | undefined,
): RelocTarget {
  if (sym.sectionIndex === SHN_UNDEF) return { kind: "extern", name: sym.name };
  const sec = sections[sym.sectionIndex];
  if (sec === undefined) return { kind: "other", section: undefined, symbol: sym.name };
  if (isMapSection(sec.name)) return { kind: "map", name: sym.name, section: sec.name };
  if (isExecutable(sec)) {
    const insnIndex = calleeIndex(sym, insn);
    const fn = symbols.find(
      (s) => s.type === "func" && s.sectionIndex === sec.index && s.value === insnIndex * 8,
    );
    return { kind: "subprogram", section: sec.name, insnIndex, function: fn?.name };
  }
  if (isDataSection(sec)) {
    const imm = insn?.opcode === BPF_LD_IMM64 ? insn.imm : 0;
    const symbol = sym.type === "section" ? "" : sym.name;
    return { kind: "global-data", section: sec.name, symbol, offset: sym.value + imm };
  }
  return { kind: "other", section: sec.name, symbol: sym.name };
}

/**
 * A call's imm is relative to the next instruction; a global callee has
 * imm = -1 so the symbol alone locates it, while a static callee is reached
 * through the section symbol plus imm. A function address (ld_imm64) carries
 * a byte offset in imm instead.
 */
function calleeIndex(sym: ElfSymbol, insn: { opcode: number; imm: number } | undefined): number {
  const base = sym.value / 8;
  if (insn?.opcode === BPF_CALL) return base + insn.imm + 1;
  if (insn?.opcode === BPF_LD_IMM64) return (sym.value + insn.imm) / 8;
  return base;
}
