// The atomic switch between policies. Keys carry a generation byte and every
// program reads pw_control[0] first, so a new policy is written beside the
// active one (into the other generation), then made active by one 4-byte
// write. A request sees the old policy or the new one, never a mixture; a
// failed write never reaches the switch, so the old policy stays in force.
// The inactive generation is cleared just before it is reused, not right after
// a switch, so programs still running on the old generation finish on intact maps.
import { GEN_OFFSET, GENERATIONS } from "../abi/policy-records.js";
import type { MapEntry, MapImage } from "../compile/image.js";
import { KernelError, type BpfMap } from "../kernel/index.js";

const BATCH = 4096;

export interface PolicyMapSet {
  readonly control: BpfMap;
  readonly config: BpfMap;
  readonly objects: BpfMap;
  readonly rules: BpfMap;
  /** The network trie (LPM): keyed by generation too. */
  readonly net: BpfMap;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};

export function activeGeneration(maps: PolicyMapSet): number {
  return (maps.control.lookup(u32(0))?.readUInt32LE(0) ?? 0) % GENERATIONS;
}

function stamp(entries: readonly MapEntry[], offset: number, gen: number): [Buffer, Buffer][] {
  return entries.map((e) => {
    const key = Buffer.from(e.key);
    key.writeUInt8(gen, offset);
    return [key, e.value];
  });
}

/** Deletes every entry of generation `gen`; returns how many. */
export function clearGeneration(map: BpfMap, offset: number, gen: number): number {
  const doomed = [...map.keys()].filter((k) => k.readUInt8(offset) === gen);
  for (const k of doomed) map.delete(k);
  return doomed.length;
}

function writeAll(map: BpfMap, entries: [Buffer, Buffer][]): void {
  for (let i = 0; i < entries.length; i += BATCH) map.updateBatch(entries.slice(i, i + BATCH));
}

/** Kernels without batch updates for LPM tries (EINVAL, ENOTSUPP): one entry at a time. */
function writeTrie(map: BpfMap, entries: [Buffer, Buffer][]): void {
  try {
    writeAll(map, entries);
  } catch (err) {
    if (!(err instanceof KernelError) || ![22, 95, 524].includes(err.errno)) throw err;
    for (const [k, v] of entries) map.update(k, v);
  }
}

function clearAll(maps: PolicyMapSet, gen: number): void {
  clearGeneration(maps.objects, GEN_OFFSET.objects, gen);
  clearGeneration(maps.rules, GEN_OFFSET.rules, gen);
  clearGeneration(maps.net, GEN_OFFSET.net, gen);
}

/** Writes `image` into the inactive generation and switches to it; returns the new generation. */
export function switchTo(maps: PolicyMapSet, image: MapImage): number {
  const next = (activeGeneration(maps) + 1) % GENERATIONS;
  clearAll(maps, next);
  try {
    writeAll(maps.objects, stamp(image.objects, GEN_OFFSET.objects, next));
    writeAll(maps.rules, stamp(image.rules, GEN_OFFSET.rules, next));
    writeTrie(maps.net, stamp(image.net, GEN_OFFSET.net, next));
    maps.config.update(u32(next), image.config);
  } catch (err) {
    // Not yet active: drop the partial generation so it holds no capacity.
    clearAll(maps, next);
    throw err;
  }
  activate(maps, next);
  return next;
}

/** Makes generation `gen`, already written, the one every program reads: one 4-byte write. */
export function activate(maps: PolicyMapSet, gen: number): void {
  maps.control.update(u32(0), u32(gen));
}
