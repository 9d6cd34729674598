// BTF-defined maps: each variable in the .maps DATASEC is an anonymous struct
// whose members encode the attributes. `__uint(name, v)` is `int (*name)[v]`
// (the value is the array length) and `__type(name, T)` is `T *name`.
import type { Btf } from "../btf/btf.js";
import { resolveType } from "../btf/lookup.js";
import { sizeOf } from "../btf/sizeof.js";
import { failInput } from "../elf/issue.js";
import { mapTypeName } from "./map-types.js";
import type { MapSpec } from "./spec.js";

type Attrs = Map<string, { value: number } | { typeId: number }>;

export function readBtfMaps(btf: Btf | undefined, mapSymbols: readonly string[]): MapSpec[] {
  if (mapSymbols.length === 0) return [];
  if (btf === undefined)
    failInput("read object", "unsupported", ".maps", 0, "maps in .maps need the object's BTF");
  const sec = btf.types.find((t) => t.kind === "datasec" && t.name === ".maps");
  if (sec?.kind !== "datasec")
    failInput("read object", "unsupported", ".maps", 0, "no .maps datasec in BTF");
  const out: MapSpec[] = [];
  for (const v of sec.vars) {
    const variable = btf.types[v.type];
    if (variable?.kind !== "var") continue;
    out.push(mapSpec(btf, variable.name, attrs(btf, variable.type, variable.name)));
  }
  return out.sort((a, b) => mapSymbols.indexOf(a.name) - mapSymbols.indexOf(b.name));
}

function attrs(btf: Btf, id: number, name: string): Attrs {
  const def = resolveType(btf, id);
  if (def?.kind !== "struct")
    failInput(
      "read object",
      "bad-kind",
      `.maps.${name}`,
      0,
      `map ${name} is a ${def?.kind ?? "missing type"}, want a struct`,
    );
  const out: Attrs = new Map();
  for (const m of def.members) {
    const ptr = resolveType(btf, m.type);
    if (ptr?.kind !== "ptr")
      failInput(
        "read object",
        "bad-kind",
        `.maps.${name}.${m.name}`,
        0,
        `map attribute ${m.name} is not a pointer`,
      );
    const target = resolveType(btf, ptr.type);
    const isUint = m.name !== "key" && m.name !== "value" && target?.kind === "array";
    out.set(
      m.name,
      isUint && target.kind === "array" ? { value: target.nelems } : { typeId: ptr.type },
    );
  }
  return out;
}

function mapSpec(btf: Btf, name: string, a: Attrs): MapSpec {
  const num = (k: string): number => {
    const x = a.get(k);
    return x !== undefined && "value" in x ? x.value : 0;
  };
  const typeId = (k: string): number | undefined => {
    const x = a.get(k);
    return x !== undefined && "typeId" in x ? x.typeId : undefined;
  };
  const keyTypeId = typeId("key");
  const valueTypeId = typeId("value");
  const type = num("type");
  return {
    name,
    type,
    typeName: mapTypeName(type),
    keySize: keyTypeId !== undefined ? (sizeOf(btf, keyTypeId) ?? 0) : num("key_size"),
    valueSize: valueTypeId !== undefined ? (sizeOf(btf, valueTypeId) ?? 0) : num("value_size"),
    maxEntries: num("max_entries"),
    flags: num("map_flags"),
    pinning: num("pinning"),
    numaNode: num("numa_node"),
    mapExtra: num("map_extra"),
    keyTypeId,
    valueTypeId,
  };
}
