// Network positions by level: one per named prefix, protocol and port class,
// like the directories of a file walk. Both sides decide a destination at the
// deepest of its named prefixes where something matches: decide() because a
// rule's rank starts with its longest matching prefix; the kernel because
// each candidate key's walk stops at its deepest entry with a matching row
// and, where the entries are levelled (net-tables.ts), a deeper row
// outscores every shallower one. So for a destination whose named prefixes
// are all levelled it suffices that both sides agree, for every subject, at
// every single level: whether something matches there, and what. A level's
// lists depend only on its prefix, the protocol and the port class. Prefixes
// with an entry that is not levelled are left to net-addresses.ts.
import type { Cidr } from "../../policy/cidr.js";
import { resourceRank } from "../../policy/match.js";
import type { Policy, Rule } from "../../policy/model.js";
import type { Request, SubjectIdentity } from "../../policy/request.js";
import { decideCandidates, kernelCandidates, type RuleMatch } from "./candidates.js";
import type { ImageTables, RuleRow } from "./image-tables.js";
import type { NetIndex } from "./net-index.js";
import { bestRow, keyOf, protocolPorts, unreachableV6 } from "./net-space.js";
import type { NetEntry } from "./net-tables.js";
import { netRequest, type NetPosition, type Position } from "./position-request.js";
import type { PositionProblem, PositionSource } from "./position-source.js";
import type { SubjectEncoding } from "./subject.js";

/** Addresses tried to confirm a disagreement at a level before the exact check is asked. */
const PROBES = 64;

const cidrOf = (p: NetPosition): Cidr => ({ family: p.family, addr: p.addr, prefix: p.prefix });

function netPosition(p: Position): NetPosition {
  if (p.kind !== "net-level" && p.kind !== "net-address")
    throw new Error(`internal: policy check: a ${p.kind} position among the network ones`);
  return p;
}

interface Level {
  readonly key: string;
  readonly entries: readonly NetEntry[];
  readonly rules: readonly Rule[];
}

export class NetLevels implements PositionSource {
  private readonly anySubject: SubjectIdentity;
  private last: Level | null = null;

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
      for (const c of this.index.space.prefixes(family)) {
        if (unreachableV6(c) || this.tables.net.unlevelled.has(keyOf(c))) continue;
        for (const { protocol, port } of protocolPorts(this.index.rangesAt(c)))
          yield { kind: "net-level", family, addr: c.addr, prefix: c.prefix, protocol, port };
      }
  }

  problem(position: Position): PositionProblem {
    const p = netPosition(position);
    const level = this.level(p);
    const rows: RuleRow[] = [];
    for (const e of level.entries) {
      const score = bestRow(e.rows, p.protocol, p.port);
      if (score !== 0n) rows.push({ ...e.subject, score });
    }
    const request = netRequest(p, p.addr, this.anySubject);
    const matches: RuleMatch[] = [];
    for (const rule of level.rules) {
      const rank = resourceRank(rule.resource, request);
      if (rank !== null) matches.push({ rule, resourceRank: rank });
    }
    return {
      position: p,
      kernel: kernelCandidates(this.tables, this.subject, rows),
      decide: decideCandidates(this.policy, this.subject, matches),
    };
  }

  /**
   * The entries and rules naming the position's prefix; each rule as if that
   * prefix were its only CIDR (a longer CIDR of the same rule that matches is
   * a deeper level's business). Positions come level by level: the last is kept.
   */
  private level(p: NetPosition): Level {
    const c = cidrOf(p);
    const key = keyOf(c);
    if (this.last?.key === key) return this.last;
    const rules: Rule[] = [];
    for (const rule of this.index.rulesAt(c))
      if (rule.resource.kind === "network")
        rules.push({ ...rule, resource: { ...rule.resource, cidrs: [c] } });
    this.last = { key, entries: this.index.entriesAt(c), rules };
    return this.last;
  }

  /** A level is reached only where nothing deeper matches: addresses below it, its own first. */
  requests(position: Position, subject: SubjectIdentity): Request[] {
    const p = netPosition(position);
    return this.index.space.inside(cidrOf(p), PROBES).map((addr) => netRequest(p, addr, subject));
  }
}
