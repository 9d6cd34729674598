// The two sides of a position as first-match lists over subject conditions:
// the kernel's entries by descending score (the kernel keeps the best score
// over its candidate keys, and equal scores name the same outcome), and
// decide()'s (rule, subject) pairs by descending rank, the earlier rule first.
import { scoreRule } from "../../abi/score.js";
import type { Action, Policy, Rule, Subject } from "../../policy/model.js";
import { actionStrength, compareRank, type Rank } from "../../policy/rank.js";
import type { ImageTables, RuleRow } from "./image-tables.js";
import type { Cond } from "./smt-text.js";
import type { SubjectEncoding } from "./subject.js";

export interface Candidate {
  readonly cond: Cond;
  /** the outcome when this candidate decides: action (after audit mode) and rule id */
  readonly code: string;
}

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

/** Kernel entries (subject key and score) as the kernel ranks them: the best score wins. */
export function kernelCandidates(
  tables: ImageTables,
  subject: SubjectEncoding,
  rows: readonly RuleRow[],
): Candidate[] {
  const sorted = [...rows].sort((a, b) => (a.score > b.score ? -1 : a.score < b.score ? 1 : 0));
  const out: Candidate[] = [];
  for (const row of sorted) {
    const cond = subject.kernelEntry(row);
    if (cond !== null) out.push({ cond, code: kernelCode(tables, row.score) });
  }
  return firstMatches(out);
}

/** A rule whose resource covers the position, with decide()'s resource rank there. */
export interface RuleMatch {
  readonly rule: Rule;
  readonly resourceRank: Rank;
}

/** decide()'s ranking at a position: resource rank, subject rank, action, then rule order. */
export function decideCandidates(
  policy: Policy,
  subject: SubjectEncoding,
  matches: readonly RuleMatch[],
): Candidate[] {
  const audit = policy.mode === "audit";
  const ranked: { rank: Rank; index: number; c: Candidate }[] = [];
  for (const { rule, resourceRank } of matches) {
    const code = outcomeCode(audited(audit, rule.action), rule.id);
    for (const s of rule.subjects) {
      const cond = subject.decideSubject(s);
      if (cond !== null)
        ranked.push({
          rank: [...resourceRank, ...subjectRankOf(s, rule.action)],
          index: rule.index,
          c: { cond, code },
        });
    }
  }
  ranked.sort((a, b) => compareRank(b.rank, a.rank) || a.index - b.index);
  return firstMatches(ranked.map((r) => r.c));
}
