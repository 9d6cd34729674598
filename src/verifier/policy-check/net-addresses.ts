// Network positions for any image (the exact check): one position per class
// of destinations (net-space.ts), protocol and port class. The kernel side
// runs the kernel's walk for each subject key the image names on the class's
// prefixes (the longest entry at or under the current length; a row matching
// the port and protocol gives the key's score; otherwise on below the
// value's prefix, at most bits + 1 lookups), and the best key wins. The
// decide() side ranks every rule naming one of the prefixes with decide()'s
// own resourceRank at the class's address. Used for the classes below the
// prefixes that net-levels.ts cannot settle: those with an entry that is not
// levelled, and those where the solver found a disagreement that no
// destination tried shows (a level is reached only where nothing deeper
// matches).
import { bitsOf } from "../../policy/cidr.js";
import { resourceRank } from "../../policy/match.js";
import type { Policy, Rule } from "../../policy/model.js";
import type { Protocol } from "../../policy/schema-resources.js";
import type { Request, SubjectIdentity } from "../../policy/request.js";
import { decideCandidates, kernelCandidates, type RuleMatch } from "./candidates.js";
import type { ImageTables, RuleRow } from "./image-tables.js";
import type { NetIndex } from "./net-index.js";
import { bestRow, keyOf, protocolPorts } from "./net-space.js";
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

interface AddressRows {
  readonly key: string;
  readonly byKey: readonly (readonly NetEntry[])[];
  readonly rules: readonly Rule[];
}

export class NetAddresses implements PositionSource {
  private readonly anySubject: SubjectIdentity;
  private last: AddressRows | null = null;

  constructor(
    private readonly policy: Policy,
    private readonly tables: ImageTables,
    private readonly subject: SubjectEncoding,
    private readonly index: NetIndex,
    /** the classes to check: those with one of these CIDRs (cidrKey) among their prefixes */
    private readonly below: ReadonlySet<string>,
  ) {
    this.anySubject = subject.subjectFrom(new Map());
  }

  *positions(): Generator<Position> {
    for (const family of [4, 6] as const)
      for (const k of this.index.space.classes(family)) {
        const deepest = k.chain[0];
        if (!k.chain.some((c) => this.below.has(keyOf(c)))) continue;
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
    const k = this.addressClass(position);
    const bits = bitsOf(position.family);
    const rows: RuleRow[] = [];
    for (const entries of k.byKey) {
      const score = walk(entries, bits, position.protocol, position.port);
      if (score !== 0n) rows.push({ ...(entries[0] as NetEntry).subject, score });
    }
    const request = netRequest(position, position.addr, this.anySubject);
    const matches: RuleMatch[] = [];
    for (const rule of k.rules) {
      const rank = resourceRank(rule.resource, request);
      if (rank !== null) matches.push({ rule, resourceRank: rank });
    }
    return {
      position,
      kernel: kernelCandidates(this.tables, this.subject, rows),
      decide: decideCandidates(this.policy, this.subject, matches),
    };
  }

  /**
   * The class's entries by subject key (each list deepest first, as the walk
   * meets them) and the rules naming one of its prefixes. Positions come
   * class by class: the last is kept.
   */
  private addressClass(p: NetPosition): AddressRows {
    const key = `${p.family}/${p.addr}`;
    if (this.last?.key === key) return this.last;
    const chain = this.index.space.chain(p.family, p.addr);
    const byKey = new Map<string, NetEntry[]>();
    for (const c of chain)
      for (const e of this.index.entriesAt(c)) {
        const list = byKey.get(subjectKey(e));
        if (list === undefined) byKey.set(subjectKey(e), [e]);
        else list.push(e);
      }
    const rules = [...new Set(chain.flatMap((c) => this.index.rulesAt(c)))];
    rules.sort((a, b) => a.index - b.index);
    this.last = { key, byKey: [...byKey.values()], rules };
    return this.last;
  }

  requests(position: Position, subject: SubjectIdentity): Request[] {
    if (position.kind !== "net-address") return [];
    return [netRequest(position, position.addr, subject)];
  }
}
