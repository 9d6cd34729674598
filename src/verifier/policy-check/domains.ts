// The equivalence classes of each request field. decide() and the kernel
// compare a field only for equality with constants (the uids, gids, cgroup
// ids and executables that the policy or the image names), so a field is
// fully described by which constant it equals, or "none of them" (index 0).
// The solver then reasons over small indices instead of 32- and 64-bit values.
import type { FileKey } from "../../abi/file-key.js";
import { MAX_CGROUP_LEVEL } from "../../policy/limits.js";
import type { Placement, Policy } from "../../policy/model.js";
import type { ImageTables } from "./image-tables.js";
import { bvLit } from "./smt-text.js";

export class Domain<T> {
  private readonly index = new Map<string, number>();
  readonly values: T[] = [];

  constructor(private readonly keyOf: (t: T) => string) {}

  add(t: T): void {
    const k = this.keyOf(t);
    if (this.index.has(k)) return;
    this.values.push(t);
    this.index.set(k, this.values.length);
  }

  /** 1-based index of a named value; 0 for every other value. */
  indexOf(t: T): number {
    return this.index.get(this.keyOf(t)) ?? 0;
  }

  get width(): number {
    return Math.max(1, Math.ceil(Math.log2(this.values.length + 1)));
  }

  /** `(= var idx)` for a named value, false for one the domain lacks. */
  eq(variable: string, t: T): string {
    const i = this.indexOf(t);
    return i === 0 ? "false" : `(= ${variable} ${bvLit(i, this.width)})`;
  }

  /** The value of an index from a model; `other` for 0. */
  valueAt(i: bigint, other: T): T {
    return this.values[Number(i) - 1] ?? other;
  }
}

export type UsablePlacement = Placement & { id: bigint };

/** A placement decide() can match: it has a cgroup and lies within the levels the kernel reads. */
export const usablePlacement = (p: Placement | null): p is UsablePlacement =>
  p !== null && p.id !== null && p.level <= MAX_CGROUP_LEVEL;

export interface Domains {
  readonly uids: Domain<number>;
  readonly logins: Domain<number>;
  readonly gids: Domain<number>;
  readonly exes: Domain<FileKey>;
  /** per cgroup level: the policy's placements there, then ids of the image of unknown level */
  readonly cgroups: readonly Domain<bigint>[];
  readonly placements: readonly UsablePlacement[];
}

const numberKey = (n: number) => `${n}`;
const exeKey = (k: FileKey) => `${k.dev}:${k.ino}`;

function policyPlacements(policy: Policy): UsablePlacement[] {
  const byId = new Map<bigint, UsablePlacement>();
  for (const r of policy.rules)
    for (const s of r.subjects)
      if (usablePlacement(s.placement)) byId.set(s.placement.id, s.placement);
  return [...byId.values()];
}

export function buildDomains(
  policy: Policy,
  t: ImageTables,
  userIdents: Iterable<{ kind: number; ident: number }>,
): Domains {
  const d: Domains = {
    uids: new Domain(numberKey),
    logins: new Domain(numberKey),
    gids: new Domain(numberKey),
    exes: new Domain(exeKey),
    cgroups: Array.from({ length: MAX_CGROUP_LEVEL + 1 }, () => new Domain<bigint>((v) => `${v}`)),
    placements: policyPlacements(policy),
  };
  for (const r of policy.rules)
    for (const s of r.subjects) {
      if (s.identity?.kind === "user") d.uids.add(s.identity.uid);
      if (s.identity?.kind === "login-user") d.logins.add(s.identity.uid);
      if (s.identity?.kind === "group") d.gids.add(s.identity.gid);
      if (s.exe !== null) d.exes.add(s.exe);
    }
  for (const i of userIdents) {
    if (i.kind === 2) d.uids.add(i.ident);
    if (i.kind === 3) d.logins.add(i.ident);
  }
  t.gids.forEach((g) => d.gids.add(g));
  t.exes.forEach((r) => d.exes.add({ dev: r.dev, ino: r.value }));
  const known = new Set(d.placements.map((p) => p.id));
  for (const p of d.placements) d.cgroups[p.level]?.add(p.id);
  for (const r of t.cgroups) if (!known.has(r.value)) d.cgroups.forEach((c) => c.add(r.value));
  return d;
}

/** A number none of `taken` is, for "any other value" in a counterexample. */
export function freshNumber(taken: readonly number[], from: number): number {
  const set = new Set(taken);
  let n = from;
  while (set.has(n)) n++;
  return n;
}
