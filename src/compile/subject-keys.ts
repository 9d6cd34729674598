// Subject keys. A subject becomes (exe id | 0, placement id | 0, identity kind,
// identity value). The kernel looks up only the deepest named cgroup the task
// is in, so a subject placed at cgroup A is copied to every named cgroup at or
// below A; the copy keeps A's level in its score, so precedence is unchanged.
import { PwIdentKind } from "../abi/policy-records.js";
import { assertNever } from "../policy/issue.js";
import type { Identity, Placement, Subject } from "../policy/model.js";
import { subjectUsable, type NamedObjects } from "./named.js";

export interface SubjectKey {
  readonly exe: number;
  readonly place: number;
  readonly identKind: number;
  readonly ident: number;
  /** Subject specificity for the score: placement level + 1 of the original placement. */
  readonly placementRank: number;
}

function identityOf(i: Identity | null): { identKind: number; ident: number } {
  if (i === null) return { identKind: PwIdentKind.none, ident: 0 };
  switch (i.kind) {
    case "user":
      return { identKind: PwIdentKind.user, ident: i.uid };
    case "login-user":
      return { identKind: PwIdentKind.login, ident: i.uid };
    case "group":
      return { identKind: PwIdentKind.group, ident: i.gid };
    default:
      return assertNever(i);
  }
}

/** Whether `inner` is `outer` or lies below it in the cgroup tree. */
export function placementWithin(outer: Placement, inner: Placement): boolean {
  if (outer.id !== null && outer.id === inner.id) return true;
  const prefix = outer.path.endsWith("/") ? outer.path : `${outer.path}/`;
  return inner.level > outer.level && inner.path.startsWith(prefix);
}

export function subjectKeys(s: Subject, named: NamedObjects): SubjectKey[] {
  if (!subjectUsable(s)) return [];
  const exe = s.exe ? named.exeId(s.exe) : 0;
  const ident = identityOf(s.identity);
  if (s.placement === null) return [{ exe, place: 0, ...ident, placementRank: 0 }];
  const outer = s.placement;
  return named.placements
    .filter((c) => c.id !== null && placementWithin(outer, c))
    .map((c) => ({
      exe,
      place: named.cgroupId(c.id ?? 0n),
      ...ident,
      placementRank: outer.level + 1,
    }));
}
