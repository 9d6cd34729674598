// MapImage: a compiled policy as plain bytes, the contract between the pure
// compiler and the loader. Every key is written with generation 0; the loader
// stamps the generation it writes into (GEN_OFFSET) so two policies can live
// side by side while one is switched for the other.

export interface MapEntry {
  readonly key: Buffer;
  readonly value: Buffer;
}

export interface MapImage {
  readonly policy: string;
  /** struct pw_config of this policy (audit mode, defaults, shapes, cgroup levels). */
  readonly config: Buffer;
  /** pw_objects: named files, executables, cgroups and groups -> id. Sorted by key. */
  readonly objects: readonly MapEntry[];
  /** pw_rules: subject key + class + resource + operation -> best score (u64). Sorted by key. */
  readonly rules: readonly MapEntry[];
  /** pw_net (LPM trie): subject key + CIDR -> port/protocol rows. Sorted by key. */
  readonly net: readonly MapEntry[];
  /** Rule ids by rule index, to name the rule in an event. */
  readonly ruleIds: readonly string[];
}

/** A printable, diffable form of an image (for snapshots and logs). */
export function imageToJson(image: MapImage): unknown {
  const hex = (es: readonly MapEntry[]) =>
    es.map((e) => `${e.key.toString("hex")}=${e.value.toString("hex")}`);
  return {
    policy: image.policy,
    config: image.config.toString("hex"),
    objects: hex(image.objects),
    rules: hex(image.rules),
    net: hex(image.net),
    ruleIds: image.ruleIds,
  };
}
