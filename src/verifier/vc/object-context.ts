// The ProgramContext of a program read from an object: lddw relocations
// resolve to the object's maps and global data sections, and the program
// type decides the return rule. The context size (bytes of hook arguments
// for LSM) comes from the caller until BTF hook signatures are wired in.
import type { LinkedProgram } from "../cfg/index.js";
import { frozenBytes, type MapSpec, type ObjectSpec, type ProgramSpec } from "../object/index.js";
import { defaultContext, type LddwBinding, type ProgramContext } from "./exec-context.js";
import type { MapInfo } from "./sym-state.js";

const MAP_KINDS: Readonly<Record<string, MapInfo["kind"]>> = {
  BPF_MAP_TYPE_HASH: "hash",
  BPF_MAP_TYPE_LRU_HASH: "hash",
  BPF_MAP_TYPE_ARRAY: "array",
  BPF_MAP_TYPE_RINGBUF: "ringbuf",
};

export const mapInfo = (m: MapSpec): MapInfo => ({
  name: m.name,
  kind: MAP_KINDS[m.typeName] ?? "other",
  keySize: m.keySize,
  valueSize: m.valueSize,
});

/**
 * The context of one program of an object. With `rodata`, read-only data
 * sections are frozen: their bytes are the object's, with the named
 * variables set to the given values, as a loader that sets and freezes them.
 */
export function objectContext(
  obj: ObjectSpec,
  prog: ProgramSpec,
  linked: LinkedProgram,
  over: Partial<ProgramContext> = {},
  rodata?: ReadonlyMap<string, bigint>,
): ProgramContext {
  const bindings = new Map<number, LddwBinding>();
  for (const [pc, target] of linked.lddwTargets) {
    const binding = bind(obj, target, rodata);
    if (binding) bindings.set(pc, binding);
  }
  const lsm = prog.progType === "BPF_PROG_TYPE_LSM";
  const ctxSize = over.ctxSize ?? 0;
  return defaultContext({
    kind: lsm ? "lsm" : "generic",
    // BPF LSM passes the previous hook's verdict as the last argument.
    priorVerdictAt: lsm && ctxSize >= 8 ? ctxSize - 8 : undefined,
    lddw: (pc) => bindings.get(pc),
    ...over,
  });
}

function bind(
  obj: ObjectSpec,
  target: LinkedProgram["lddwTargets"] extends ReadonlyMap<number, infer T> ? T : never,
  rodata: ReadonlyMap<string, bigint> | undefined,
): LddwBinding | undefined {
  if (target.kind === "map") {
    const map = obj.maps.find((m) => m.name === target.map);
    return map ? { kind: "map", map: mapInfo(map) } : undefined;
  }
  if (target.kind === "global") {
    const section = obj.dataSections.find((d) => d.name === target.section);
    if (!section) return undefined;
    return {
      kind: "global",
      section: section.name,
      size: section.size,
      writable: !section.readonly,
      offset: target.offset,
      ...(section.readonly && rodata ? { frozen: frozenBytes(section, rodata) } : {}),
    };
  }
  return undefined;
}
