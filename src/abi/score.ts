// The u64 score of a pw_rules entry (bpf/include/pw_policy.h). It packs
// decide()'s rank after the resource position into one integer, so the kernel
// compares candidates with a single `>`: executable given, placement level + 1,
// identity rank, action strength, then the inverted rule index (earlier wins).
import type { Action } from "../policy/model.js";

const ACTIONS: readonly Action[] = ["allow", "audit", "deny"];

export interface ScoreParts {
  /** Class-specific resource specificity that the key does not already fix (0-65535). */
  readonly resource: number;
  readonly exe: boolean;
  /** Placement level + 1, 0 for none (0-16). */
  readonly placement: number;
  /** enum pw_ident_kind (0-3). */
  readonly identity: number;
  readonly action: Action;
  readonly ruleIndex: number;
}

export function encodeScore(p: ScoreParts): bigint {
  if (p.ruleIndex < 0 || p.ruleIndex >= 0xffffffff)
    throw new Error(`score: rule index ${p.ruleIndex}`);
  return (
    (BigInt(p.resource & 0xffff) << 48n) |
    (BigInt(p.exe ? 1 : 0) << 41n) |
    (BigInt(p.placement & 0x1f) << 36n) |
    (BigInt(p.identity & 3) << 34n) |
    (BigInt(ACTIONS.indexOf(p.action)) << 32n) |
    BigInt(0xffffffff - p.ruleIndex)
  );
}

export function scoreAction(s: bigint): Action {
  const a = ACTIONS[Number((s >> 32n) & 3n)];
  if (a === undefined) throw new Error(`score: bad action bits in ${s}`);
  return a;
}

export function scoreRule(s: bigint): number {
  return 0xffffffff - Number(s & 0xffffffffn);
}
