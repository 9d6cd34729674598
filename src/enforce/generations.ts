// The atomic switch between policies. Keys carry a generation byte and every
// program reads pw_control[0] first, so a new policy is written beside the
// active one (into the other generation), then made active by one 4-byte
// write. A request sees the old policy or the new one, never a mixture; a
// failed write never reaches the switch, so the old policy stays in force.
// The inactive generation is cleared just before it is reused, not right after
// a switch, so programs still running on the old generation finish on intact maps.
// The keys of each generation are remembered once written (or scanned once,
// for maps an earlier agent wrote), so neither clearing a generation nor
// counting its entries walks the maps on every apply.
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

/** Makes generation `gen`, already written, the one every program reads: one 4-byte write. */
export function activate(maps: PolicyMapSet, gen: number): void {
  maps.control.update(u32(0), u32(gen));
}

/** The maps whose keys carry a generation byte. */
export const GENERATION_MAPS = ["objects", "rules", "net"] as const;
export type GenerationMap = (typeof GENERATION_MAPS)[number];
type PerMap<T> = Record<GenerationMap, T>;

function stamp(entries: readonly MapEntry[], offset: number, gen: number): [Buffer, Buffer][] {
  return entries.map((e) => {
    const key = Buffer.from(e.key);
    key.writeUInt8(gen, offset);
    return [key, e.value];
  });
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

const perMap = <T>(f: (m: GenerationMap) => T): PerMap<T> =>
  ({ objects: f("objects"), rules: f("rules"), net: f("net") }) as PerMap<T>;

/** Both generations of a policy map set, with the keys each one holds. */
export class Generations {
  /** Per generation, its keys in each map; null until written or scanned. */
  readonly #keys: (PerMap<Buffer[]> | null)[] = Array.from({ length: GENERATIONS }, () => null);

  constructor(private readonly maps: PolicyMapSet) {}

  get active(): number {
    return activeGeneration(this.maps);
  }

  /** How many entries generation `gen` holds in each map. */
  entries(gen: number): PerMap<number> {
    const keys = this.#known(gen);
    return perMap((m) => keys[m].length);
  }

  /** Writes `image` into the inactive generation and switches to it; returns the new generation. */
  switchTo(image: MapImage): number {
    const next = (this.active + 1) % GENERATIONS;
    this.#clear(next);
    const entries = perMap((m) => stamp(image[m], GEN_OFFSET[m], next));
    // Recorded before writing: on a failure these are the keys to take out again.
    this.#keys[next] = perMap((m) => entries[m].map(([k]) => k));
    try {
      writeAll(this.maps.objects, entries.objects);
      writeAll(this.maps.rules, entries.rules);
      writeTrie(this.maps.net, entries.net);
      this.maps.config.update(u32(next), image.config);
    } catch (err) {
      // Not yet active: drop the partial generation so it holds no capacity.
      this.#clear(next);
      throw err;
    }
    activate(this.maps, next);
    return next;
  }

  #known(gen: number): PerMap<Buffer[]> {
    if (this.#keys[gen] === undefined) throw new Error(`generation ${gen} out of range`);
    if (this.#keys[gen] === null) this.#scan();
    return this.#keys[gen] as PerMap<Buffer[]>;
  }

  /** One walk over each map, sorting its keys by generation byte. */
  #scan(): void {
    const found = Array.from({ length: GENERATIONS }, () => perMap((): Buffer[] => []));
    for (const m of GENERATION_MAPS)
      for (const key of this.maps[m].keys()) found[key.readUInt8(GEN_OFFSET[m])]?.[m].push(key);
    found.forEach((keys, gen) => (this.#keys[gen] = keys));
  }

  #clear(gen: number): void {
    const keys = this.#known(gen);
    for (const m of GENERATION_MAPS) for (const k of keys[m]) this.maps[m].delete(k);
    this.#keys[gen] = perMap(() => []);
  }
}
