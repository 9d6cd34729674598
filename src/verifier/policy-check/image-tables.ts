// A MapImage read back as the kernel will see it: object keys per kind with
// their ids, and pw_rules entries grouped by (class, resource id, op). Entries
// the kernel can never reach (id 0, nonzero padding) are left out here, so
// everything downstream reasons only about lookups that can succeed.
import {
  CONFIG_SIZE,
  OBJECT_KEY_LAYOUT,
  OBJECT_KEY_SIZE,
  PwObjectKind,
  RULE_KEY_LAYOUT,
  RULE_KEY_SIZE,
  decodeConfig,
  type PwConfig,
} from "../../abi/policy-records.js";
import type { MapEntry, MapImage } from "../../compile/image.js";
import { readNetTables, type NetTables } from "./net-tables.js";

export interface ObjectRow {
  readonly value: bigint;
  readonly dev: number;
  readonly id: number;
}

export interface RuleRow {
  readonly exe: number;
  readonly place: number;
  readonly identKind: number;
  readonly ident: number;
  readonly score: bigint;
}

export interface ImageTables {
  readonly config: PwConfig;
  readonly files: ReadonlyMap<string, number>;
  readonly exes: readonly ObjectRow[];
  readonly cgroups: readonly ObjectRow[];
  /** gids the kernel treats as named (a nonzero id) */
  readonly gids: ReadonlySet<number>;
  /** resource items (capabilities, ptrace modes, "any") by resourceObjectValue, with their ids */
  readonly resources: ReadonlyMap<bigint, number>;
  /** pw_rules entries by ruleSlot(cls, res, op) */
  readonly rules: ReadonlyMap<string, readonly RuleRow[]>;
  /** the pw_net trie */
  readonly net: NetTables;
  readonly ruleIds: readonly string[];
}

export type TablesResult =
  | { readonly kind: "ok"; readonly tables: ImageTables }
  | { readonly kind: "malformed"; readonly reason: string };

export const fileKeyText = (dev: number, ino: bigint): string => `${dev}:${ino}`;
export const ruleSlot = (cls: number, res: number, op: number): string => `${cls}/${res}/${op}`;

function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

function sizes(name: string, es: readonly MapEntry[], key: number, value: number): string | null {
  const i = es.findIndex((e) => e.key.length !== key || e.value.length !== value);
  return i < 0 ? null : `${name} entry ${i}: key ${key} and value ${value} bytes expected`;
}

function readObjects(image: MapImage) {
  const L = OBJECT_KEY_LAYOUT;
  const byKind = new Map<number, ObjectRow[]>();
  for (const e of image.objects) {
    const id = e.value.readUInt32LE(0);
    if (id === 0 || e.key.readUInt16LE(L.pad) !== 0) continue;
    const row = { value: e.key.readBigUInt64LE(L.value), dev: e.key.readUInt32LE(L.dev), id };
    const kind = e.key.readUInt8(L.kind);
    pushTo(byKind, kind, row);
  }
  const of = (k: number) => byKind.get(k) ?? [];
  return {
    files: new Map(of(PwObjectKind.file).map((r) => [fileKeyText(r.dev, r.value), r.id])),
    exes: of(PwObjectKind.exe),
    // bpf_get_current_ancestor_cgroup_id gives 0 where there is no cgroup; the kernel skips it.
    cgroups: of(PwObjectKind.cgroup).filter((r) => r.value !== 0n),
    // The kernel looks resource items up with dev 0; other rows are unreachable.
    resources: new Map(
      of(PwObjectKind.resource)
        .filter((r) => r.dev === 0)
        .map((r) => [r.value, r.id]),
    ),
    gids: new Set(
      of(PwObjectKind.gid)
        .filter((r) => r.dev === 0 && r.value <= 0xffffffffn)
        .map((r) => Number(r.value)),
    ),
  };
}

function readRules(image: MapImage): Map<string, RuleRow[]> {
  const L = RULE_KEY_LAYOUT;
  const slots = new Map<string, RuleRow[]>();
  for (const e of image.rules) {
    const k = e.key;
    const slot = ruleSlot(k.readUInt8(L.cls), k.readUInt32LE(L.res), k.readUInt8(L.op));
    const row = {
      exe: k.readUInt32LE(L.exe),
      place: k.readUInt32LE(L.place),
      identKind: k.readUInt8(L.ident_kind),
      ident: k.readUInt32LE(L.ident),
      score: e.value.readBigUInt64LE(0),
    };
    if (row.score !== 0n) pushTo(slots, slot, row);
  }
  return slots;
}

/** A score whose action bits name no action (3) is no entry the compiler writes. */
function actions(es: readonly MapEntry[]): string | null {
  const i = es.findIndex((e) => ((e.value.readBigUInt64LE(0) >> 32n) & 3n) === 3n);
  return i < 0 ? null : `pw_rules entry ${i}: the score's action bits are 3 (no such action)`;
}

export function readTables(image: MapImage): TablesResult {
  if (image.config.length !== CONFIG_SIZE)
    return { kind: "malformed", reason: `config: ${CONFIG_SIZE} bytes expected` };
  const bad =
    sizes("pw_objects", image.objects, OBJECT_KEY_SIZE, 4) ??
    sizes("pw_rules", image.rules, RULE_KEY_SIZE, 8) ??
    actions(image.rules);
  if (bad !== null) return { kind: "malformed", reason: bad };
  const net = readNetTables(image.net);
  if (net.kind === "malformed") return net;
  return {
    kind: "ok",
    tables: {
      config: decodeConfig(image.config),
      ...readObjects(image),
      rules: readRules(image),
      net: net.net,
      ruleIds: image.ruleIds,
    },
  };
}
