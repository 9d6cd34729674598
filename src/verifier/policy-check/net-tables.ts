// The pw_net trie of a MapImage read back as the kernel will see it: one
// entry per (subject key, CIDR) with the port/protocol rows the kernel reads
// (the first min(count, 16), as bpf/enforce_net.bpf.c does). Keys no lookup
// can reach (a family other than 4 and 6, nonzero padding, a prefix longer
// than the address) are left out. Keys whose meaning in the kernel's trie
// would differ from the lookup model's are refused as malformed: a prefix
// length inside the subject header (it would match other subjects' keys),
// address bits set past the prefix or past the address (the trie ignores
// them, the model does not), a generation byte (the loader stamps it), the
// same key twice (the last write would win).
import {
  NET_HEADER_BITS,
  NET_KEY_LAYOUT,
  NET_KEY_SIZE,
  NET_VALUE_SIZE,
  decodeNetValue,
  type NetPort,
} from "../../abi/policy-records.js";
import { bitsOf, maskOf } from "../../policy/cidr.js";
import type { MapEntry } from "../../compile/image.js";
import type { RuleRow } from "./image-tables.js";

export interface NetEntry {
  /** the subject key; its score is unused (rows carry the scores) */
  readonly subject: Omit<RuleRow, "score">;
  readonly family: 4 | 6;
  readonly addr: bigint;
  readonly prefix: number;
  /** struct pw_net_value's prefix: where the kernel's walk goes on after a miss */
  readonly valuePrefix: number;
  /** rows with a nonzero score (the kernel never counts a zero one) */
  readonly rows: readonly NetPort[];
}

export interface NetTables {
  readonly entries: readonly NetEntry[];
  /** entries by their CIDR (cidrKey) */
  readonly byCidr: ReadonlyMap<string, readonly NetEntry[]>;
  /**
   * The CIDRs (cidrKey) with an entry that is not levelled: its walk goes on
   * at a prefix other than its own, or a row's score ranks it at another
   * prefix. Where every entry is levelled (floor(resource / 4) = prefix, as
   * the compiler writes them), a deeper match outscores every shallower one,
   * for every subject key, which net-levels.ts relies on.
   */
  readonly unlevelled: ReadonlySet<string>;
}

export type NetTablesResult =
  | { readonly kind: "ok"; readonly net: NetTables }
  | { readonly kind: "malformed"; readonly reason: string };

export const cidrKey = (family: number, addr: bigint, prefix: number): string =>
  `${family}/${addr.toString(16)}/${prefix}`;

const ACTION_NONE = 3n;

function readAddr(key: Buffer, bytes: number): bigint {
  let v = 0n;
  for (let i = 0; i < bytes; i++) v = (v << 8n) | BigInt(key.readUInt8(NET_KEY_LAYOUT.addr + i));
  return v;
}

type Read =
  { kind: "entry"; entry: NetEntry } | { kind: "unreachable" } | { kind: "bad"; why: string };

function readEntry(e: MapEntry): Read {
  const L = NET_KEY_LAYOUT;
  const k = e.key;
  const bits = k.readUInt32LE(L.prefixlen) - NET_HEADER_BITS;
  if (bits < 0) return { kind: "bad", why: "its prefix length ends inside the subject header" };
  if (k.readUInt8(L.gen) !== 0) return { kind: "bad", why: "generation byte set" };
  const family = k.readUInt8(L.family);
  if ((family !== 4 && family !== 6) || k.readUInt8(L.pad) !== 0) return { kind: "unreachable" };
  if (bits > bitsOf(family)) return { kind: "unreachable" };
  const full = readAddr(k, 16);
  const addr = family === 4 ? full >> 96n : full;
  if ((full & ~(maskOf(family, bits) << (family === 4 ? 96n : 0n))) !== 0n)
    return { kind: "bad", why: "address bits set past its prefix" };
  const value = decodeNetValue(e.value);
  const rows = value.ports.filter((p) => p.score !== 0n);
  if (rows.some((p) => ((p.score >> 32n) & 3n) === ACTION_NONE))
    return { kind: "bad", why: "a row's action bits are 3 (no such action)" };
  const subject = {
    exe: k.readUInt32LE(L.exe),
    place: k.readUInt32LE(L.place),
    identKind: k.readUInt8(L.ident_kind),
    ident: k.readUInt32LE(L.ident),
  };
  const entry = { subject, family, addr, prefix: bits, valuePrefix: value.prefix, rows } as const;
  return { kind: "entry", entry };
}

/** Whether `e` keeps the levelled order (see NetTables.unlevelled). */
const levelled = (e: NetEntry): boolean =>
  e.valuePrefix === e.prefix && e.rows.every((p) => Number(p.score >> 48n) >> 2 === e.prefix);

export function readNetTables(net: readonly MapEntry[]): NetTablesResult {
  const seen = new Set<string>();
  const entries: NetEntry[] = [];
  const byCidr = new Map<string, NetEntry[]>();
  const unlevelled = new Set<string>();
  for (const [i, e] of net.entries()) {
    if (e.key.length !== NET_KEY_SIZE || e.value.length !== NET_VALUE_SIZE)
      return {
        kind: "malformed",
        reason: `pw_net entry ${i}: key ${NET_KEY_SIZE} and value ${NET_VALUE_SIZE} bytes expected`,
      };
    const hex = e.key.toString("hex");
    if (seen.has(hex)) return { kind: "malformed", reason: `pw_net entry ${i}: a key seen before` };
    seen.add(hex);
    const r = readEntry(e);
    if (r.kind === "bad") return { kind: "malformed", reason: `pw_net entry ${i}: ${r.why}` };
    if (r.kind === "unreachable") continue;
    const entry = r.entry;
    entries.push(entry);
    const key = cidrKey(entry.family, entry.addr, entry.prefix);
    const list = byCidr.get(key);
    if (list === undefined) byCidr.set(key, [entry]);
    else list.push(entry);
    if (!levelled(entry)) unlevelled.add(key);
  }
  return { kind: "ok", net: { entries, byCidr, unlevelled } };
}
