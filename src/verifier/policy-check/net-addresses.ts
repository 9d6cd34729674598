// Network positions for any image (the exact check): one position per class
// of destinations (net-space.ts), protocol and port class. The kernel side
// runs the kernel's walk for each subject key the image names on the class's
// prefixes (the longest entry at or under the current length; a row matching
// the port and protocol gives the key's score; otherwise on below the
// value's prefix, at most bits + 1 lookups), and the best key wins. The
// decide() side ranks every rule naming one of the prefixes with decide()'s
// own resourceRank at the class's address. Used when the image is not
// levelled, or when a disagreement between levels names no real request.
import { bitsOf, type Cidr } from "../../policy/cidr.js";
import { resourceRank } from "../../policy/match.js";
import type { Policy, Rule } from "../../policy/model.js";
import type { Protocol } from "../../policy/schema-resources.js";
import type { Request, SubjectIdentity } from "../../policy/request.js";
import { decideCandidates, kernelCandidates, type RuleMatch } from "./candidates.js";
import type { ImageTables, RuleRow } from "./image-tables.js";
import type { NetIndex } from "./net-index.js";
import { bestRow, protocolPorts } from "./net-space.js";
import type { NetEntry } from "./net-tables.js";
import { netRequest, type NetPosition, type Position } from "./position-request.js";
import type { PositionProblem, PositionSource } from "./position-source.js";
import type { SubjectEncoding } from "./subject.js";

const subjectKey = (e: NetEntry) =>
  `${e.subject.exe}/${e.subject.place}/${e.subject.identKind}/${e.subject.ident}`;

/** One subject key's walk over its entries that contain the address (deepest first). */
function walk(
  entries: readonly NetEntry[],
  bits: number,
  protocol: Protocol,
  port: number,
): bigint {
  let cap = bits;
  for (let step = 0; step <= bits; step++) {
    const e = entries.find((x) => x.prefix <= cap);
    if (e === undefined) return 0n;
    const hit = bestRow(e.rows, protocol, port);
    if (hit !== 0n) return hit;
    if (e.valuePrefix === 0 || e.valuePrefix > bits) return 0n;
    cap = e.valuePrefix - 1;
  }
  return 0n;
}

export class NetAddresses implements PositionSource {
  private readonly anySubject: SubjectIdentity;

  constructor(
    private readonly policy: Policy,
    private readonly tables: ImageTables,
    private readonly subject: SubjectEncoding,
    private readonly index: NetIndex,
  ) {
    this.anySubject = subject.subjectFrom(new Map());
  }

  *positions(): Generator<Position> {
    for (const family of [4, 6] as const)
      for (const k of this.index.space.classes(family)) {
        const deepest = k.chain[0];
        if (deepest === undefined) continue; // nothing named: the default on both sides
        const ranges = k.chain.flatMap((c) => this.index.rangesAt(c));
        for (const { protocol, port } of protocolPorts(ranges))
          yield {
            kind: "net-address",
            family,
            addr: k.addr,
            prefix: deepest.prefix,
            protocol,
            port,
          };
      }
  }

  problem(position: Position): PositionProblem {
    if (position.kind !== "net-address")
      throw new Error(`internal: policy check: a ${position.kind} position among the addresses`);
    const chain = this.index.space.chain(position.family, position.addr);
    return {
      position,
      kernel: kernelCandidates(this.tables, this.subject, this.kernelRows(position, chain)),
      decide: decideCandidates(this.policy, this.subject, this.matches(position, chain)),
    };
  }

  private kernelRows(p: NetPosition, chain: readonly Cidr[]): RuleRow[] {
    const byKey = new Map<string, NetEntry[]>();
    for (const c of chain)
      for (const e of this.index.entriesAt(c)) {
        const list = byKey.get(subjectKey(e));
        if (list === undefined) byKey.set(subjectKey(e), [e]);
        else list.push(e);
      }
    const rows: RuleRow[] = [];
    for (const entries of byKey.values()) {
      const score = walk(entries, bitsOf(p.family), p.protocol, p.port);
      if (score !== 0n) rows.push({ ...(entries[0] as NetEntry).subject, score });
    }
    return rows;
  }

  private matches(p: NetPosition, chain: readonly Cidr[]): RuleMatch[] {
    const rules = new Set<Rule>(chain.flatMap((c) => this.index.rulesAt(c)));
    const request = netRequest(p, p.addr, this.anySubject);
    const out: RuleMatch[] = [];
    for (const rule of [...rules].sort((a, b) => a.index - b.index)) {
      const rank = resourceRank(rule.resource, request);
      if (rank !== null) out.push({ rule, resourceRank: rank });
    }
    return out;
  }

  requests(position: Position, subject: SubjectIdentity): Request[] {
    if (position.kind !== "net-address") return [];
    return [netRequest(position, position.addr, subject)];
  }
}
