// Precedence among matching rules (docs/policy.md, "Precedence"): compare
// resource specificity, then subject specificity, then the action
// (deny > audit > allow), then the rule's position. Ranks are short number
// tuples compared lexicographically, bigger is stronger.
import type { Action } from "./model.js";

export type Rank = readonly number[];

const STRENGTH: Readonly<Record<Action, number>> = { allow: 0, audit: 1, deny: 2 };

export function actionStrength(a: Action): number {
  return STRENGTH[a];
}

export function strongerAction(a: Action, b: Action): Action {
  return STRENGTH[a] >= STRENGTH[b] ? a : b;
}

/** Negative, zero or positive as `a` ranks below, equal to or above `b`. */
export function compareRank(a: Rank, b: Rank): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
