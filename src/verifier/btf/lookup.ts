// Type lookup by id and by name+kind, and resolution through typedefs and
// qualifiers. Lookups never throw: readBtf has already rejected dangling ids,
// and cycles (only possible in malformed BTF) end the walk with undefined.
import type { Btf } from "./btf.js";
import { isModifier, type BtfKind, type BtfType } from "./types.js";

const MAX_CHAIN = 64;
const nameIndexes = new WeakMap<Btf, Map<string, number[]>>();

export function typeById(btf: Btf, id: number): BtfType | undefined {
  return btf.types[id];
}

function nameIndex(btf: Btf): Map<string, number[]> {
  let index = nameIndexes.get(btf);
  if (index !== undefined) return index;
  index = new Map();
  for (const t of btf.types) {
    if (t.name === "") continue;
    const key = `${t.kind} ${t.name}`;
    const ids = index.get(key);
    if (ids === undefined) index.set(key, [t.id]);
    else ids.push(t.id);
  }
  nameIndexes.set(btf, index);
  return index;
}

/** Every type with this name and kind (BTF may hold duplicates, e.g. after a failed dedup). */
export function findTypes<K extends BtfKind>(
  btf: Btf,
  name: string,
  kind: K,
): Extract<BtfType, { kind: K }>[] {
  const ids = nameIndex(btf).get(`${kind} ${name}`) ?? [];
  return ids
    .map((id) => btf.types[id])
    .filter((t): t is Extract<BtfType, { kind: K }> => t?.kind === kind);
}

export function findType<K extends BtfKind>(
  btf: Btf,
  name: string,
  kind: K,
): Extract<BtfType, { kind: K }> | undefined {
  return findTypes(btf, name, kind)[0];
}

/** Follows typedef, const, volatile, restrict and type_tag to the underlying type. */
export function resolveType(btf: Btf, id: number): BtfType | undefined {
  return walk(btf, id, () => true);
}

/** Follows const, volatile, restrict and type_tag but stops at a typedef. */
export function skipQualifiers(btf: Btf, id: number): BtfType | undefined {
  return walk(btf, id, (t) => t.kind !== "typedef");
}

function walk(btf: Btf, id: number, follow: (t: BtfType) => boolean): BtfType | undefined {
  let t = btf.types[id];
  for (let i = 0; i < MAX_CHAIN && t !== undefined; i++) {
    if (!isModifier(t) || !follow(t)) return t;
    t = btf.types[t.type];
  }
  return undefined;
}
