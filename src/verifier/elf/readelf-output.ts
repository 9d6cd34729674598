// Parses `llvm-readelf-19 -S -s -r` output, for tests that compare the ELF
// reader against LLVM.

export interface ReadelfSection {
  index: number;
  name: string;
  type: string;
  offset: number;
  size: number;
  entsize: number;
  flags: string;
  link: number;
  info: number;
  align: number;
}

export interface ReadelfSymbol {
  index: number;
  value: number;
  size: number;
  type: string;
  bind: string;
  vis: string;
  ndx: string;
  name: string;
}

export interface ReadelfRelocation {
  section: string;
  offset: number;
  type: string;
  symbolValue: number;
  symbolName: string;
}

const SECTION_RE =
  /^\s*\[\s*(\d+)\]\s+(\S*)\s+(\S+)\s+[0-9a-f]{16}\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([A-Za-z]*)\s+(\d+)\s+(\d+)\s+(\d+)$/;
const SYMBOL_RE = /^\s*(\d+): ([0-9a-f]{16})\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+) ?(.*)$/;
const REL_HEAD_RE = /^Relocation section '(.+)' at offset/;
const REL_RE = /^([0-9a-f]{16})\s+[0-9a-f]{16}\s+(\S+)\s+([0-9a-f]{16})\s+(.*)$/;

export function parseReadelf(text: string): {
  sections: ReadelfSection[];
  symbols: ReadelfSymbol[];
  relocations: ReadelfRelocation[];
} {
  const sections: ReadelfSection[] = [];
  const symbols: ReadelfSymbol[] = [];
  const relocations: ReadelfRelocation[] = [];
  let relSection: string | undefined;
  for (const line of text.split("\n")) {
    const head = REL_HEAD_RE.exec(line);
    if (head?.[1] !== undefined) relSection = head[1];
    const s = SECTION_RE.exec(line);
    if (s) sections.push(section(s));
    const y = SYMBOL_RE.exec(line);
    if (y) symbols.push(symbol(y));
    const r = REL_RE.exec(line);
    if (r && relSection !== undefined) {
      relocations.push({
        section: relSection,
        offset: hex(r[1]),
        type: r[2] ?? "",
        symbolValue: hex(r[3]),
        symbolName: (r[4] ?? "").trim(),
      });
    }
  }
  return { sections, symbols, relocations };
}

function hex(s: string | undefined): number {
  return parseInt(s ?? "", 16);
}

function section(m: RegExpExecArray): ReadelfSection {
  return {
    index: Number(m[1]),
    name: m[2] ?? "",
    type: m[3] ?? "",
    offset: hex(m[4]),
    size: hex(m[5]),
    entsize: hex(m[6]),
    flags: m[7] ?? "",
    link: Number(m[8]),
    info: Number(m[9]),
    align: Number(m[10]),
  };
}

function symbol(m: RegExpExecArray): ReadelfSymbol {
  return {
    index: Number(m[1]),
    value: hex(m[2]),
    size: Number(m[3]),
    type: m[4] ?? "",
    bind: m[5] ?? "",
    vis: m[6] ?? "",
    ndx: m[7] ?? "",
    name: m[8] ?? "",
  };
}
