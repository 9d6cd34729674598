// The request's subject as SMT variables, and the two ways of matching it:
// the kernel's (candidate keys built from pw_objects, then pw_rules keys) and
// decide()'s (each subject field compared with the task). Only equalities
// with constants occur, so every value outside the constants named by the
// policy or the image behaves the same: the solver covers all of them at once.
import { PwIdentKind, shapeBit } from "../../abi/policy-records.js";
import { MAX_CGROUP_LEVEL, MAX_SUPPLEMENTARY_GROUPS } from "../../policy/limits.js";
import type { Placement, Policy, Subject } from "../../policy/model.js";
import type { ImageTables, RuleRow } from "./image-tables.js";
import { TRUE_COND, andCond, bvLit, orText, type Cond, type Definition } from "./smt-text.js";

export const GROUP_VARS = Array.from({ length: MAX_SUPPLEMENTARY_GROUPS }, (_, i) => `g${i}`);
export const CGROUP_VARS = Array.from({ length: MAX_CGROUP_LEVEL + 1 }, (_, l) => `c${l}`);

/** Every variable of the subject, with its width. */
export const SUBJECT_VARS: readonly { readonly name: string; readonly width: number }[] = [
  { name: "uid", width: 32 },
  { name: "login", width: 32 },
  { name: "gid", width: 32 },
  ...GROUP_VARS.map((name) => ({ name, width: 32 })),
  { name: "xd", width: 32 },
  { name: "xi", width: 64 },
  ...CGROUP_VARS.map((name) => ({ name, width: 64 })),
];

const cgroupEq = (level: number, id: bigint) => `(= c${level} ${bvLit(id, 64)})`;
const exeEq = (dev: number, ino: bigint) =>
  `(and (= xd ${bvLit(dev, 32)}) (= xi ${bvLit(ino, 64)}))`;
const ref = (name: string): Cond => ({ text: name, deps: [name] });

/** A placement decide() can match: it has a cgroup and lies within the levels the kernel reads. */
export const usablePlacement = (p: Placement | null): p is Placement & { id: bigint } =>
  p !== null && p.id !== null && p.level <= MAX_CGROUP_LEVEL;

/** Whether cgroup `inner` is `outer` or below it: paths name the cgroup v2 tree. */
export function cgroupWithin(outer: Placement, inner: Placement): boolean {
  if (outer.id !== null && outer.id === inner.id) return true;
  const prefix = `${outer.path.replace(/\/+$/, "")}/`;
  return inner.level > outer.level && inner.path.startsWith(prefix);
}

export class SubjectEncoding {
  private readonly defs = new Map<string, Definition>();
  /** cgroup levels the kernel reads (pw_config.cgroup_levels), deepest first */
  private readonly levels: readonly number[];

  constructor(
    private readonly tables: ImageTables,
    private readonly placements: readonly (Placement & { id: bigint })[],
  ) {
    this.levels = CGROUP_VARS.map((_, l) => l)
      .filter((l) => (tables.config.cgroupLevels & (1 << l)) !== 0)
      .reverse();
  }

  static forPolicy(tables: ImageTables, policy: Policy): SubjectEncoding {
    const byId = new Map<bigint, Placement & { id: bigint }>();
    for (const r of policy.rules)
      for (const s of r.subjects)
        if (usablePlacement(s.placement)) byId.set(s.placement.id, s.placement);
    return new SubjectEncoding(tables, [...byId.values()]);
  }

  definition(name: string): Definition {
    const d = this.defs.get(name);
    if (d === undefined) throw new Error(`internal: policy check: no definition ${name}`);
    return d;
  }

  private define(name: string, make: () => Definition): Cond {
    if (!this.defs.has(name)) this.defs.set(name, make());
    return ref(name);
  }

  /** The task holds gid g: as its gid or among the supplementary groups the kernel reads. */
  held(g: number): Cond {
    const k = bvLit(g, 32);
    return this.define(`h${g}`, () => ({
      text: orText(["gid", ...GROUP_VARS].map((v) => `(= ${v} ${k})`)),
      deps: [],
    }));
  }

  /** The executable's pw_objects id is `id`. */
  private kernelExe(id: number): Cond {
    return this.define(`ke${id}`, () => ({
      text: orText(this.tables.exes.filter((r) => r.id === id).map((r) => exeEq(r.dev, r.value))),
      deps: [],
    }));
  }

  /** No read level deeper than `level` finds a named cgroup. */
  private above(level: number): Cond {
    return this.define(`above${level}`, () => {
      const deeper = this.levels.filter((l) => l > level);
      const next = deeper[deeper.length - 1];
      if (next === undefined) return { text: "false", deps: [] };
      const hit = orText(this.tables.cgroups.map((r) => cgroupEq(next, r.value)));
      const rest = this.above(next);
      return { text: orText([hit, rest.text]), deps: rest.deps };
    });
  }

  /** The deepest named cgroup the kernel finds has pw_objects id `id`. */
  private kernelPlace(id: number): Cond {
    return this.define(`kp${id}`, () => {
      const rows = this.tables.cgroups.filter((r) => r.id === id);
      const parts = this.levels.map((l) => {
        const up = this.above(l);
        return {
          text: `(and (not ${up.text}) ${orText(rows.map((r) => cgroupEq(l, r.value)))})`,
          deps: up.deps,
        };
      });
      return { text: orText(parts.map((p) => p.text)), deps: parts.flatMap((p) => p.deps) };
    });
  }

  private kernelIdent(row: RuleRow): Cond | null {
    switch (row.identKind) {
      case PwIdentKind.none:
        return row.ident === 0 ? TRUE_COND : null;
      case PwIdentKind.group:
        return this.tables.gids.has(row.ident) ? this.held(row.ident) : null;
      case PwIdentKind.user:
        return { text: `(= uid ${bvLit(row.ident, 32)})`, deps: [] };
      case PwIdentKind.login:
        return { text: `(= login ${bvLit(row.ident, 32)})`, deps: [] };
      default:
        return null; // the kernel builds candidates of these four kinds only
    }
  }

  /** When one of the kernel's candidate keys equals this entry's subject key; null: never. */
  kernelEntry(row: RuleRow): Cond | null {
    const shape = shapeBit(row.exe !== 0, row.place !== 0, row.identKind);
    if (row.identKind > PwIdentKind.login || (this.tables.config.shapes & shape) === 0) return null;
    const ident = this.kernelIdent(row);
    if (ident === null) return null;
    const exe = row.exe === 0 ? TRUE_COND : this.kernelExe(row.exe);
    const place = row.place === 0 ? TRUE_COND : this.kernelPlace(row.place);
    return andCond([exe, place, ident]);
  }

  /** When decide()'s subjectRank matches `s`; null: never. */
  decideSubject(s: Subject): Cond | null {
    if (s.placement !== null && !usablePlacement(s.placement)) return null;
    const exe = s.exe === null ? TRUE_COND : { text: exeEq(s.exe.dev, s.exe.ino), deps: [] };
    const place =
      s.placement === null
        ? TRUE_COND
        : { text: cgroupEq(s.placement.level, s.placement.id ?? 0n), deps: [] };
    let ident = TRUE_COND;
    if (s.identity?.kind === "user")
      ident = { text: `(= uid ${bvLit(s.identity.uid, 32)})`, deps: [] };
    if (s.identity?.kind === "login-user")
      ident = { text: `(= login ${bvLit(s.identity.uid, 32)})`, deps: [] };
    if (s.identity?.kind === "group") ident = this.held(s.identity.gid);
    return andCond([exe, place, ident]);
  }

  declarations(): string[] {
    return SUBJECT_VARS.map((v) => `(declare-fun ${v.name} () (_ BitVec ${v.width}))`);
  }

  /**
   * What a real task's cgroup ids satisfy: an id sits at one level only, and
   * a task in a named cgroup is in exactly those named cgroups above it that
   * are its ancestors (paths give the tree).
   */
  assumptions(): string[] {
    return this.placements.flatMap((x) => {
      const elsewhere = CGROUP_VARS.map((_, l) => l)
        .filter((l) => l !== x.level)
        .map((l) => `(assert (not ${cgroupEq(l, x.id)}))`);
      const above = this.placements
        .filter((p) => p.level < x.level)
        .map((p) =>
          cgroupWithin(p, x) ? cgroupEq(p.level, p.id) : `(not ${cgroupEq(p.level, p.id)})`,
        );
      if (above.length === 0) return elsewhere;
      return [
        ...elsewhere,
        `(assert (=> ${cgroupEq(x.level, x.id)} (and true ${above.join(" ")})))`,
      ];
    });
  }
}
