// Struct/union member lookup by name or dotted path, descending into
// anonymous members the way C name lookup does. Offsets are in bits from the
// start of the outermost type.
import type { Btf } from "./btf.js";
import { resolveType } from "./lookup.js";
import type { BtfMember } from "./types.js";

export interface MemberLocation {
  readonly name: string;
  readonly type: number;
  readonly bitOffset: number;
  readonly bitfieldSize: number;
}

/** The members of a struct/union (through typedefs and qualifiers), or undefined for other kinds. */
export function membersOf(btf: Btf, id: number): readonly BtfMember[] | undefined {
  const t = resolveType(btf, id);
  return t?.kind === "struct" || t?.kind === "union" ? t.members : undefined;
}

/** Finds `a.b.c` from type `id`; each step may pass through anonymous members. */
export function findMember(btf: Btf, id: number, path: string): MemberLocation | undefined {
  let loc: MemberLocation = { name: "", type: id, bitOffset: 0, bitfieldSize: 0 };
  for (const name of path.split(".")) {
    const next = findDirect(btf, loc.type, name, 0);
    if (next === undefined) return undefined;
    loc = { ...next, bitOffset: loc.bitOffset + next.bitOffset };
  }
  return loc;
}

function findDirect(btf: Btf, id: number, name: string, depth: number): MemberLocation | undefined {
  const members = membersOf(btf, id);
  if (members === undefined || depth > 32) return undefined;
  for (const m of members) {
    if (m.name === name)
      return { name, type: m.type, bitOffset: m.bitOffset, bitfieldSize: m.bitfieldSize };
    if (m.name !== "") continue;
    const inner = findDirect(btf, m.type, name, depth + 1);
    if (inner !== undefined) return { ...inner, bitOffset: m.bitOffset + inner.bitOffset };
  }
  return undefined;
}
