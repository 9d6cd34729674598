// The request space, cut where the decision can change (position-request.ts).
// A file request is decided at the first position of its walk (the file,
// then its directories) where something matches, by both the kernel and
// decide(); an item or socket request has one position. So it suffices that
// both agree at every single position. Positions that neither the policy nor
// the image names match nothing on either side and fall to the class
// default, which validate.ts compares directly. Per position, each side is a
// first-match list over subject conditions: kernel entries by descending
// score, decide()'s (rule, subject) pairs by descending rank, the resource
// part of the rank computed by decide()'s own resourceRank on the position's
// request.
import {
  OP_ANCESTOR,
  OP_ANY_TYPE,
  PwClass,
  PwFileOp,
  resourceObjectValue,
} from "../../abi/policy-records.js";
import type { FileKey } from "../../abi/file-key.js";
import { resourceItems } from "../../compile/proc.js";
import type { Policy, ResourceClass, Rule } from "../../policy/model.js";
import { resourceRank } from "../../policy/match.js";
import { classOf, type Request, type SubjectIdentity } from "../../policy/request.js";
import { decideCandidates, kernelCandidates, type RuleMatch } from "./candidates.js";
import { fileKeyText, ruleSlot, type ImageTables, type RuleRow } from "./image-tables.js";
import { requestAt, type Position } from "./position-request.js";
import type { PositionProblem, PositionSource } from "./position-source.js";
import type { SubjectEncoding } from "./subject.js";

export type { Position } from "./position-request.js";

/** Classes whose every position this proof covers (network: net-positions.ts). */
export const CHECKED_CLASSES: readonly ResourceClass[] = [
  "files",
  "network",
  "exec",
  "unix",
  "sockets",
  "capabilities",
  "ptrace",
  "mount",
  "moduleLoad",
];

const FILE_KEYED = [PwClass.files, PwClass.exec, PwClass.unix] as const;
const ITEM_CLASSES = [
  PwClass.capabilities,
  PwClass.ptrace,
  PwClass.mount,
  PwClass.moduleLoad,
  PwClass.exec,
] as const;
/** The kernel masks a socket's type with SOCK_TYPE_MASK before its lookups. */
const SOCK_TYPE_MASK = 0xf;

/** Where a rule can match: its file keys per class, its items, its socket families. */
const indexKey = {
  file: (cls: number, k: FileKey) => `f${cls}:${fileKeyText(k.dev, k.ino)}`,
  item: (cls: number, item: number) => `i${cls}:${item}`,
  family: (family: number) => `s:${family}`,
};

function ruleIndexKeys(rule: Rule): string[] {
  const r = rule.resource;
  const items = resourceItems(r).map((i) => indexKey.item(i.cls, i.item));
  switch (r.kind) {
    case "files":
    case "exec":
      return [...r.targets.map((t) => indexKey.file(PwClass[r.kind], t.key)), ...items];
    case "unix":
      return r.sockets.map((k) => indexKey.file(PwClass.unix, k));
    case "sockets":
      return r.families.map(indexKey.family);
    default:
      return items;
  }
}

function pushTo<V>(m: Map<string, V[]>, k: string, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else if (list[list.length - 1] !== v) list.push(v);
}

export class PositionBuilder implements PositionSource {
  /** Rules by the places they can match (indexKey), in policy order. */
  private readonly byPlace = new Map<string, Rule[]>();
  /** The subject is irrelevant to resourceRank; any will do. */
  private readonly anySubject: SubjectIdentity;

  constructor(
    private readonly policy: Policy,
    private readonly tables: ImageTables,
    private readonly subject: SubjectEncoding,
    /** a file key nothing names: the file under a directory position */
    private readonly fresh: FileKey,
  ) {
    for (const rule of policy.rules)
      for (const k of ruleIndexKeys(rule)) pushTo(this.byPlace, k, rule);
    this.anySubject = subject.subjectFrom(new Map());
  }

  /** Every position either side names, in every checked class. */
  *positions(): Generator<Position> {
    for (const cls of FILE_KEYED)
      for (const key of this.fileKeys(cls))
        for (const ancestor of cls === PwClass.unix ? [false] : [false, true])
          for (const op of cls === PwClass.files ? Object.values(PwFileOp) : [0])
            yield { kind: "file", cls, key, op, ancestor };
    for (const cls of ITEM_CLASSES)
      for (const item of this.items(cls)) yield { kind: "item", cls, item };
    for (const [family, types] of this.socketTypes())
      for (const type of types) yield { kind: "socket", family, type };
  }

  problem(p: Position): PositionProblem {
    return {
      position: p,
      kernel: kernelCandidates(this.tables, this.subject, this.kernelRows(p)),
      decide: this.decideSide(p),
    };
  }

  requests(p: Position, subject: SubjectIdentity): Request[] {
    return [requestAt(p, subject, this.fresh)];
  }

  /** Keys the image names as files (any class may use them) and the class's rules name. */
  private fileKeys(cls: number): FileKey[] {
    const out = new Map<string, FileKey>();
    for (const k of this.tables.files.keys()) {
      const [dev, ino] = k.split(":");
      out.set(k, { dev: Number(dev), ino: BigInt(ino ?? "0") });
    }
    for (const rule of this.policy.rules) {
      const r = rule.resource;
      const keys =
        r.kind === "unix" && cls === PwClass.unix
          ? r.sockets
          : (r.kind === "files" || r.kind === "exec") && PwClass[r.kind] === cls
            ? r.targets.map((t) => t.key)
            : [];
      for (const k of keys) out.set(fileKeyText(k.dev, k.ino), k);
    }
    return [...out.values()];
  }

  private items(cls: number): number[] {
    const out = new Set<number>();
    for (const value of this.tables.resources.keys())
      if (value >> 32n === BigInt(cls)) out.add(Number(value & 0xffffffffn));
    for (const rule of this.policy.rules)
      for (const i of resourceItems(rule.resource)) if (i.cls === cls) out.add(i.item);
    return [...out];
  }

  /** Per family: every type either side names, and one that nobody names (the "any" rows). */
  private socketTypes(): Map<number, number[]> {
    const named = new Map<number, Set<number>>();
    const add = (family: number, type: number | null) => {
      const set = named.get(family) ?? new Set<number>();
      if (type !== null) set.add(type);
      named.set(family, set);
    };
    for (const slot of this.tables.rules.keys()) {
      const [cls, res, op] = slot.split("/").map(Number);
      if (cls === PwClass.sockets && res !== undefined && op !== undefined)
        add(res, op === OP_ANY_TYPE ? null : op);
    }
    for (const rule of this.policy.rules)
      if (rule.resource.kind === "sockets")
        for (const f of rule.resource.families)
          for (const t of rule.resource.types ?? [null]) add(f, t);
    const out = new Map<number, number[]>();
    for (const [family, types] of named) {
      const unnamed = Array.from({ length: SOCK_TYPE_MASK }, (_, i) => i + 1).find(
        (t) => !types.has(t),
      );
      out.set(family, unnamed === undefined ? [...types] : [...types, unnamed]);
    }
    return out;
  }

  private kernelRows(p: Position): readonly RuleRow[] {
    const rows = (cls: number, res: number | undefined, op: number) =>
      res === undefined ? [] : (this.tables.rules.get(ruleSlot(cls, res, op)) ?? []);
    switch (p.kind) {
      case "file": {
        const id = this.tables.files.get(fileKeyText(p.key.dev, p.key.ino));
        return rows(p.cls, id, p.op | (p.ancestor ? OP_ANCESTOR : 0));
      }
      case "item":
        return rows(p.cls, this.tables.resources.get(resourceObjectValue(p.cls, p.item)), 0);
      case "socket":
        // Both lookups of the kernel; the best score wins, as in one sorted list.
        return [
          ...rows(PwClass.sockets, p.family, p.type & SOCK_TYPE_MASK),
          ...rows(PwClass.sockets, p.family, OP_ANY_TYPE),
        ];
      case "net-level":
      case "net-address":
        return []; // net-positions.ts
    }
  }

  private rulesAt(p: Position): readonly Rule[] {
    switch (p.kind) {
      case "file":
        return this.byPlace.get(indexKey.file(p.cls, p.key)) ?? [];
      case "item":
        return this.byPlace.get(indexKey.item(p.cls, p.item)) ?? [];
      case "socket":
        return this.byPlace.get(indexKey.family(p.family)) ?? [];
      case "net-level":
      case "net-address":
        return [];
    }
  }

  private decideSide(p: Position) {
    const rules = this.rulesAt(p);
    if (rules.length === 0) return [];
    const request = requestAt(p, this.anySubject, this.fresh);
    const cls = classOf(request);
    const matches: RuleMatch[] = [];
    for (const rule of rules) {
      if (rule.resource.kind !== cls) continue;
      const rank = resourceRank(rule.resource, request);
      if (rank !== null) matches.push({ rule, resourceRank: rank });
    }
    return decideCandidates(this.policy, this.subject, matches);
  }
}
