// Network rules -> pw_net trie entries. One entry per (subject key, CIDR)
// holds the port/protocol rows of every rule with exactly that prefix; the
// kernel finds the longest prefix for a candidate key and falls back to
// shorter ones only when no row there matches the port and protocol. The row's
// score carries the resource rank (prefix, ports given, protocols given), so
// candidates of different keys compare with one `>`.
import {
  NET_PORTS,
  PwNetProto,
  encodeNetKey,
  encodeNetValue,
  shapeBit,
  type NetKey,
  type NetPort,
} from "../abi/policy-records.js";
import { encodeScore } from "../abi/score.js";
import { formatCidr } from "../policy/cidr.js";
import type { Resource, Rule } from "../policy/model.js";
import { PROTOCOLS } from "../policy/schema-resources.js";
import type { MapEntry } from "./image.js";
import type { NamedObjects } from "./named.js";
import { subjectKeys } from "./subject-keys.js";

type NetworkResource = Extract<Resource, { kind: "network" }>;

/** The resource rank of decide() for a network rule matching at `prefix`. */
export function networkResourceRank(prefix: number, r: NetworkResource): number {
  return prefix * 4 + (r.ports !== null ? 2 : 0) + (r.protocols !== null ? 1 : 0);
}

/** ICMP has no port, so a rule with ports covers no ICMP (decide()'s portsCover). */
function protocolBits(r: NetworkResource): number {
  const named = r.protocols ?? PROTOCOLS;
  const bits = named.reduce((b, p) => b | PwNetProto[p], 0);
  return r.ports === null ? bits : bits & ~PwNetProto.icmp;
}

/** A row that another row covers (range and protocols) with at least its score never decides. */
function dominated(row: NetPort, by: NetPort): boolean {
  return (
    by !== row &&
    by.lo <= row.lo &&
    row.hi <= by.hi &&
    (row.protocols & ~by.protocols) === 0 &&
    by.score >= row.score
  );
}

interface Entry {
  readonly key: NetKey;
  readonly rows: Map<string, NetPort>;
  readonly rules: Set<string>;
}

export class NetSink {
  private readonly entries = new Map<string, Entry>();
  /** Subject shapes present, as EntrySink.shapes. */
  shapes = 0;

  add(key: NetKey, row: NetPort, ruleId: string): void {
    const hex = encodeNetKey(key).toString("hex");
    let e = this.entries.get(hex);
    if (e === undefined) {
      e = { key, rows: new Map(), rules: new Set() };
      this.entries.set(hex, e);
    }
    const rowKey = `${row.lo}-${row.hi}-${row.protocols}`;
    const old = e.rows.get(rowKey);
    if (old === undefined || row.score > old.score) e.rows.set(rowKey, row);
    e.rules.add(ruleId);
    this.shapes |= shapeBit(key.exe !== 0, key.place !== 0, key.identKind);
  }

  image(): MapEntry[] {
    return [...this.entries.keys()].sort().map((hex) => {
      const e = this.entries.get(hex) as Entry;
      const all = [...e.rows.values()];
      // Two distinct rows never cover each other both ways: rows are keyed by range and protocols.
      const ports = all.filter((row) => !all.some((by) => dominated(row, by)));
      if (ports.length > NET_PORTS)
        throw new Error(
          `compile: network rules ${[...e.rules].join(", ")} give ${formatCidr(e.key)} ` +
            `${ports.length} port/protocol entries for one subject; at most ${NET_PORTS}`,
        );
      return {
        key: Buffer.from(hex, "hex"),
        value: encodeNetValue({ prefix: e.key.prefix, ports }),
      };
    });
  }
}

export function networkRuleEntries(sink: NetSink, rule: Rule, named: NamedObjects): void {
  const r = rule.resource;
  if (r.kind !== "network") return;
  const ranges = r.ports ?? [{ lo: 0, hi: 65535 }];
  const protocols = protocolBits(r);
  if (protocols === 0) return; // ports with icmp alone: the rule matches nothing
  for (const s of rule.subjects)
    for (const sk of subjectKeys(s, named))
      for (const c of r.cidrs) {
        const score = encodeScore({
          resource: networkResourceRank(c.prefix, r),
          exe: sk.exe !== 0,
          placement: sk.placementRank,
          identity: sk.identKind,
          action: rule.action,
          ruleIndex: rule.index,
        });
        const key = { ...sk, family: c.family, addr: c.addr, prefix: c.prefix };
        for (const p of ranges) sink.add(key, { score, lo: p.lo, hi: p.hi, protocols }, rule.id);
      }
}
