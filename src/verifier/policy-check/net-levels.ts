// Network positions when the image is levelled (net-tables.ts): one position
// per named prefix, protocol and port class, like the directories of a file
// walk. Both sides decide a destination at the deepest of its named prefixes
// where something matches: decide() because a rule's rank starts with its
// longest matching prefix; the kernel because each candidate key's walk
// stops at its deepest entry with a matching row and, levelled, a deeper row
// outscores every shallower one. So it suffices that both agree, for every
// subject, at every single level: whether something matches there, and what.
// A level's lists depend only on its prefix, the protocol and the port class.
import type { Cidr } from "../../policy/cidr.js";
import { resourceRank } from "../../policy/match.js";
import type { Policy } from "../../policy/model.js";
import type { Request, SubjectIdentity } from "../../policy/request.js";
import { decideCandidates, kernelCandidates, type RuleMatch } from "./candidates.js";
import type { ImageTables, RuleRow } from "./image-tables.js";
import type { NetIndex } from "./net-index.js";
import { bestRow, protocolPorts, unreachableV6 } from "./net-space.js";
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

export class NetLevels implements PositionSource {
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
      for (const c of this.index.space.prefixes(family)) {
        if (unreachableV6(c)) continue;
        for (const { protocol, port } of protocolPorts(this.index.rangesAt(c)))
          yield { kind: "net-level", family, addr: c.addr, prefix: c.prefix, protocol, port };
      }
  }

  problem(position: Position): PositionProblem {
    const p = netPosition(position);
    const c = cidrOf(p);
    const rows: RuleRow[] = [];
    for (const e of this.index.entriesAt(c)) {
      const score = bestRow(e.rows, p.protocol, p.port);
      if (score !== 0n) rows.push({ ...e.subject, score });
    }
    // decide()'s rank of each rule naming this prefix, as if it were the rule's only CIDR:
    // a longer CIDR of the same rule that matches is a deeper level's business.
    const request = netRequest(p, p.addr, this.anySubject);
    const matches: RuleMatch[] = [];
    for (const rule of this.index.rulesAt(c)) {
      if (rule.resource.kind !== "network") continue;
      const rank = resourceRank({ ...rule.resource, cidrs: [c] }, request);
      if (rank !== null) matches.push({ rule, resourceRank: rank });
    }
    return {
      position: p,
      kernel: kernelCandidates(this.tables, this.subject, rows),
      decide: decideCandidates(this.policy, this.subject, matches),
    };
  }

  /** A level is reached only where nothing deeper matches: addresses below it, its own first. */
  requests(position: Position, subject: SubjectIdentity): Request[] {
    const p = netPosition(position);
    return this.index.space
      .inside(cidrOf(p))
      .slice(0, PROBES)
      .map((addr) => netRequest(p, addr, subject));
  }
}
