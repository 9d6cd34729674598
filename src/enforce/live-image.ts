// The policy in force, read back from the kernel's maps: the active
// generation's entries with the generation byte cleared, as the compiler
// wrote them. explain() runs the lookup model on this, so it answers from what
// the kernel actually holds, not from what the agent meant to write.
import { GEN_OFFSET } from "../abi/policy-records.js";
import type { MapEntry, MapImage } from "../compile/image.js";
import type { BpfMap } from "../kernel/index.js";
import { activeGeneration, type PolicyMapSet } from "./generations.js";

function entriesOf(map: BpfMap, offset: number, gen: number): MapEntry[] {
  const out: MapEntry[] = [];
  for (const key of map.keys()) {
    if (key.readUInt8(offset) !== gen) continue;
    const value = map.lookup(key);
    if (!value) continue; // deleted between keys() and lookup(): not in force
    const unstamped = Buffer.from(key);
    unstamped.writeUInt8(0, offset);
    out.push({ key: unstamped, value });
  }
  return out.sort((a, b) => Buffer.compare(a.key, b.key));
}

export function readLiveImage(maps: PolicyMapSet, ruleIds: readonly string[]): MapImage {
  const gen = activeGeneration(maps);
  const key = Buffer.alloc(4);
  key.writeUInt32LE(gen);
  const config = maps.config.lookup(key);
  if (!config) throw new Error(`read live policy: pw_config has no generation ${gen}`);
  return {
    policy: "live",
    config,
    objects: entriesOf(maps.objects, GEN_OFFSET.objects, gen),
    rules: entriesOf(maps.rules, GEN_OFFSET.rules, gen),
    net: entriesOf(maps.net, GEN_OFFSET.net, gen),
    ruleIds,
  };
}
