// decide(): the executable specification of a Proofwall decision. Among the
// rules of the request's resource class that match it, the one with the
// highest rank wins: resource specificity, then subject specificity, then
// deny > audit > allow, then the earlier rule. No match: the class default
// (anonymous executable memory has none: it is allowed, see hasClassDefault).
// Audit mode reports a deny as "audit" and never denies. docs/policy.md
// states the same in words; the kernel programs must agree with this.
import type { Action, Policy, ResourceClass, Rule } from "./model.js";
import { actionStrength, compareRank, type Rank } from "./rank.js";
import { resourceRank, subjectRank } from "./match.js";
import { classOf, hasClassDefault, type Request } from "./request.js";

export type Reason =
  | { readonly kind: "default"; readonly class: ResourceClass; readonly auditMode: boolean }
  | {
      readonly kind: "rule";
      readonly class: ResourceClass;
      /** [...resource specificity, executable, placement, identity, action strength]. */
      readonly rank: Rank;
      readonly auditMode: boolean;
    };

export interface Decision {
  readonly action: Action;
  /** The deciding rule, or null when the class default decided. */
  readonly ruleId: string | null;
  readonly reason: Reason;
}

/** The rank of `rule` for `request`, or null when it does not match. */
export function rankOf(rule: Rule, request: Request): Rank | null {
  const res = resourceRank(rule.resource, request);
  if (res === null) return null;
  let best: Rank | null = null;
  for (const s of rule.subjects) {
    const r = subjectRank(s, request.subject);
    if (r !== null && (best === null || compareRank(r, best) > 0)) best = r;
  }
  return best === null ? null : [...res, ...best, actionStrength(rule.action)];
}

export function decide(policy: Policy, request: Request): Decision {
  const cls = classOf(request);
  let winner: { rule: Rule; rank: Rank } | null = null;
  for (const rule of policy.rules) {
    if (rule.resource.kind !== cls) continue;
    const rank = rankOf(rule, request);
    // Strictly greater: at equal rank the earlier rule keeps the win.
    if (rank !== null && (winner === null || compareRank(rank, winner.rank) > 0))
      winner = { rule, rank };
  }
  const fallback: Action = hasClassDefault(request) ? policy.defaults[cls] : "allow";
  const chosen: Action = winner ? winner.rule.action : fallback;
  const auditMode = policy.mode === "audit" && chosen === "deny";
  const action = auditMode ? "audit" : chosen;
  if (winner === null)
    return { action, ruleId: null, reason: { kind: "default", class: cls, auditMode } };
  return {
    action,
    ruleId: winner.rule.id,
    reason: { kind: "rule", class: cls, rank: winner.rank, auditMode },
  };
}
