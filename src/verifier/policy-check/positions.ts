// The request space, cut where the decision can change. A file request is
// decided at the first position of its walk (the file, then its directories)
// where something matches, by both the kernel and decide(); so it suffices
// that both agree at every single position. A position is (class, file key,
// operation, file itself or a directory above it); keys that neither the
// policy nor the image names match nothing on either side. Per position,
// each side is a first-match list over subject conditions: kernel entries by
// descending score, decide()'s (rule, subject) pairs by descending rank.
import { OP_ANCESTOR, PwClass, PwFileOp } from "../../abi/policy-records.js";
import { scoreRule } from "../../abi/score.js";
import type { FileKey } from "../../abi/file-key.js";
import type { Action, Policy, Rule, Subject } from "../../policy/model.js";
import { actionStrength, compareRank, type Rank } from "../../policy/rank.js";
import { fileKeyText, ruleSlot, type ImageTables } from "./image-tables.js";
import type { Cond } from "./smt-text.js";
import type { SubjectEncoding } from "./subject.js";

export interface Position {
  readonly cls: number;
  readonly key: FileKey;
  readonly op: number;
  readonly ancestor: boolean;
}

export interface Candidate {
  readonly cond: Cond;
  /** the outcome when this candidate decides: action (after audit mode) and rule id */
  readonly code: string;
}

export interface PositionProblem {
  readonly position: Position;
  readonly kernel: readonly Candidate[];
  readonly decide: readonly Candidate[];
}

/** Classes the compiler encodes and the kernel decides from the maps, with their ops. */
export const CHECKED_CLASSES = [
  { cls: PwClass.files, name: "files", ops: Object.values(PwFileOp) },
  { cls: PwClass.exec, name: "exec", ops: [0] },
] as const;

const ACTION_BITS: readonly Action[] = ["allow", "audit", "deny"];

export const outcomeCode = (action: Action | "bad-action", ruleId: string | null): string =>
  `${action}:${ruleId ?? "-"}`;

const audited = (audit: boolean, a: Action): Action => (audit && a === "deny" ? "audit" : a);

function kernelCode(t: ImageTables, score: bigint): string {
  const action = ACTION_BITS[Number((score >> 32n) & 3n)];
  const rule = scoreRule(score);
  const id = t.ruleIds[rule] ?? `#${rule}`;
  return outcomeCode(action === undefined ? "bad-action" : audited(t.config.auditMode, action), id);
}

interface Targeted {
  readonly rule: Rule;
  readonly tree: boolean;
}

/** Rules of each checked class by the keys of their targets. */
function rulesByKey(policy: Policy): Map<number, Map<string, Targeted[]>> {
  const out = new Map<number, Map<string, Targeted[]>>(
    CHECKED_CLASSES.map((c) => [c.cls, new Map()]),
  );
  for (const rule of policy.rules) {
    const r = rule.resource;
    if (r.kind !== "files" && r.kind !== "exec") continue;
    const byKey = out.get(PwClass[r.kind]);
    for (const t of r.targets) {
      const k = fileKeyText(t.key.dev, t.key.ino);
      const list = byKey?.get(k);
      if (list === undefined) byKey?.set(k, [{ rule, tree: t.tree }]);
      else list.push({ rule, tree: t.tree });
    }
  }
  return out;
}

const IDENT_RANK = { "login-user": 3, user: 2, group: 1 } as const;

function subjectRankOf(s: Subject, action: Action): Rank {
  const placement = s.placement === null ? 0 : s.placement.level + 1;
  const identity = s.identity === null ? 0 : IDENT_RANK[s.identity.kind];
  return [s.exe === null ? 0 : 1, placement, identity, actionStrength(action)];
}

/** The first of equal conditions wins; nothing after an unconditional one can. */
function firstMatches(list: readonly Candidate[]): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const c of list) {
    if (seen.has(c.cond.text)) continue;
    seen.add(c.cond.text);
    out.push(c);
    if (c.cond.text === "true") break;
  }
  return out;
}

export class PositionBuilder {
  private readonly byKey: Map<number, Map<string, Targeted[]>>;
  /** decide() breaks ties by position in the rule list */
  private readonly order: Map<Rule, number>;

  constructor(
    private readonly policy: Policy,
    private readonly tables: ImageTables,
    private readonly subject: SubjectEncoding,
  ) {
    this.byKey = rulesByKey(policy);
    this.order = new Map(policy.rules.map((r, i) => [r, i]));
  }

  /** Every key either side names in class `cls`. */
  keys(cls: number): FileKey[] {
    const out = new Map<string, FileKey>();
    for (const k of this.tables.files.keys()) {
      const [dev, ino] = k.split(":");
      out.set(k, { dev: Number(dev), ino: BigInt(ino ?? "0") });
    }
    for (const list of this.byKey.get(cls)?.values() ?? [])
      for (const r of list)
        for (const t of r.rule.resource.kind === "files" || r.rule.resource.kind === "exec"
          ? r.rule.resource.targets
          : [])
          out.set(fileKeyText(t.key.dev, t.key.ino), t.key);
    return [...out.values()];
  }

  problem(p: Position): PositionProblem {
    return { position: p, kernel: this.kernelSide(p), decide: this.decideSide(p) };
  }

  private kernelSide(p: Position): Candidate[] {
    const id = this.tables.files.get(fileKeyText(p.key.dev, p.key.ino));
    if (id === undefined) return [];
    const rows = this.tables.rules.get(ruleSlot(p.cls, id, p.op | (p.ancestor ? OP_ANCESTOR : 0)));
    if (rows === undefined) return [];
    const sorted = [...rows].sort((a, b) => (a.score > b.score ? -1 : a.score < b.score ? 1 : 0));
    const out: Candidate[] = [];
    for (const row of sorted) {
      const cond = this.subject.kernelEntry(row);
      if (cond !== null) out.push({ cond, code: kernelCode(this.tables, row.score) });
    }
    return firstMatches(out);
  }

  private decideSide(p: Position): Candidate[] {
    const targeted = this.byKey.get(p.cls)?.get(fileKeyText(p.key.dev, p.key.ino)) ?? [];
    const ranked: { rank: Rank; index: number; c: Candidate }[] = [];
    const audit = this.policy.mode === "audit";
    for (const { rule, tree } of targeted) {
      if (p.ancestor && !tree) continue;
      const r = rule.resource;
      if (r.kind === "files" && !r.operations.some((o) => PwFileOp[o] === p.op)) continue;
      const code = outcomeCode(audited(audit, rule.action), rule.id);
      for (const s of rule.subjects) {
        const cond = this.subject.decideSubject(s);
        if (cond !== null)
          ranked.push({
            rank: subjectRankOf(s, rule.action),
            index: this.order.get(rule) ?? 0,
            c: { cond, code },
          });
      }
    }
    ranked.sort((a, b) => compareRank(b.rank, a.rank) || a.index - b.index);
    return firstMatches(ranked.map((r) => r.c));
  }
}
