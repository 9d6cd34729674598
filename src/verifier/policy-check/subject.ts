// The request's subject as SMT variables over the field domains
// (domains.ts), and the two ways of matching it: the kernel's (candidate keys
// built from pw_objects, then pw_rules keys) and decide()'s (each subject
// field compared with the task's).
import { PwIdentKind, shapeBit } from "../../abi/policy-records.js";
import { MAX_CGROUP_LEVEL, MAX_SUPPLEMENTARY_GROUPS } from "../../policy/limits.js";
import type { Placement, Policy, Subject } from "../../policy/model.js";
import type { SubjectIdentity } from "../../policy/request.js";
import { buildDomains, freshNumber, usablePlacement, type Domains } from "./domains.js";
import type { ImageTables, RuleRow } from "./image-tables.js";
import { TRUE_COND, orText, subjectCond, type Cond, type Definition } from "./smt-text.js";

/** The primary gid and the supplementary groups the kernel reads. */
const GROUP_SLOTS = Array.from({ length: MAX_SUPPLEMENTARY_GROUPS + 1 }, (_, i) => `gs${i}`);
const LEVELS = Array.from({ length: MAX_CGROUP_LEVEL + 1 }, (_, l) => l);
const cg = (level: number) => `c${level}`;
const ref = (name: string): Cond => ({ text: name, deps: [name] });
const plain = (text: string): Cond => ({ text, deps: [] });

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
  private readonly exesById = new Map<number, ImageTables["exes"][number][]>();
  /** conditions by subject key and by policy subject: each is built once */
  private readonly entryConds = new Map<string, Cond | null>();
  private readonly subjectConds = new Map<Subject, Cond | null>();

  private constructor(
    private readonly tables: ImageTables,
    private readonly d: Domains,
  ) {
    for (const r of tables.exes) this.exesById.set(r.id, [...(this.exesById.get(r.id) ?? []), r]);
    this.levels = LEVELS.filter((l) => (tables.config.cgroupLevels & (1 << l)) !== 0).reverse();
  }

  static forPolicy(tables: ImageTables, policy: Policy): SubjectEncoding {
    const keys = [
      ...[...tables.rules.values()].flat(),
      ...tables.net.entries.map((e) => e.subject),
    ];
    const idents = keys.map((r) => ({ kind: r.identKind, ident: r.ident }));
    return new SubjectEncoding(tables, buildDomains(policy, tables, idents));
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
  private held(g: number): Cond {
    return this.define(`h${g}`, () => ({
      text: orText(GROUP_SLOTS.map((v) => this.d.gids.eq(v, g)).filter((t) => t !== "false")),
      deps: [],
    }));
  }

  /** The executable's pw_objects id is `id` (inline: it is one comparison when ids are unique). */
  private kernelExe(id: number): Cond {
    const rows = this.exesById.get(id) ?? [];
    return plain(orText(rows.map((r) => this.d.exes.eq("xe", { dev: r.dev, ino: r.value }))));
  }

  /** At `level` the task's cgroup is one pw_objects names with an id in `ids` (any if undefined). */
  private cgroupNamed(level: number, id?: number): string {
    const rows = this.tables.cgroups.filter((r) => id === undefined || r.id === id);
    return orText(
      rows
        .map((r) => this.d.cgroups[level]?.eq(cg(level), r.value) ?? "false")
        .filter((t) => t !== "false"),
    );
  }

  /** Some read level deeper than `level` finds a named cgroup. */
  private above(level: number): Cond {
    return this.define(`above${level}`, () => {
      const next = this.levels.filter((l) => l > level).pop();
      if (next === undefined) return { text: "false", deps: [] };
      const rest = this.above(next);
      return { text: orText([this.cgroupNamed(next), rest.text]), deps: rest.deps };
    });
  }

  /** The deepest named cgroup the kernel finds has pw_objects id `id`. */
  private kernelPlace(id: number): Cond {
    return this.define(`kp${id}`, () => {
      const parts = this.levels.map((l) => {
        const up = this.above(l);
        return { text: `(and (not ${up.text}) ${this.cgroupNamed(l, id)})`, deps: up.deps };
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
        return plain(this.d.uids.eq("uid", row.ident));
      case PwIdentKind.login:
        return plain(this.d.logins.eq("login", row.ident));
      default:
        return null; // the kernel builds candidates of these four kinds only
    }
  }

  /** When one of the kernel's candidate keys equals this entry's subject key; null: never. */
  kernelEntry(row: RuleRow): Cond | null {
    const key = `${row.exe}/${row.place}/${row.identKind}/${row.ident}`;
    let cond = this.entryConds.get(key);
    if (cond === undefined) this.entryConds.set(key, (cond = this.kernelEntryCond(row)));
    return cond;
  }

  private kernelEntryCond(row: RuleRow): Cond | null {
    if (row.identKind > PwIdentKind.login) return null;
    const shape = shapeBit(row.exe !== 0, row.place !== 0, row.identKind);
    if ((this.tables.config.shapes & shape) === 0) return null;
    const ident = this.kernelIdent(row);
    if (ident === null) return null;
    const exe = row.exe === 0 ? TRUE_COND : this.kernelExe(row.exe);
    const place = row.place === 0 ? TRUE_COND : this.kernelPlace(row.place);
    return subjectCond({ exe, place, ident });
  }

  /** When decide()'s subjectRank matches `s`; null: never. */
  decideSubject(s: Subject): Cond | null {
    let cond = this.subjectConds.get(s);
    if (cond === undefined) this.subjectConds.set(s, (cond = this.decideSubjectCond(s)));
    return cond;
  }

  private decideSubjectCond(s: Subject): Cond | null {
    if (s.placement !== null && !usablePlacement(s.placement)) return null;
    const exe = s.exe === null ? TRUE_COND : plain(this.d.exes.eq("xe", s.exe));
    const p = s.placement;
    const place =
      p === null
        ? TRUE_COND
        : plain(this.d.cgroups[p.level]?.eq(cg(p.level), p.id ?? 0n) ?? "false");
    let ident = TRUE_COND;
    if (s.identity?.kind === "user") ident = plain(this.d.uids.eq("uid", s.identity.uid));
    if (s.identity?.kind === "login-user") ident = plain(this.d.logins.eq("login", s.identity.uid));
    if (s.identity?.kind === "group") ident = this.held(s.identity.gid);
    return subjectCond({ exe, place, ident });
  }

  private variables(): { name: string; width: number }[] {
    return [
      { name: "uid", width: this.d.uids.width },
      { name: "login", width: this.d.logins.width },
      ...GROUP_SLOTS.map((name) => ({ name, width: this.d.gids.width })),
      { name: "xe", width: this.d.exes.width },
      ...LEVELS.map((l) => ({ name: cg(l), width: this.d.cgroups[l]?.width ?? 1 })),
    ];
  }

  variableNames(): string[] {
    return this.variables().map((v) => v.name);
  }

  declarations(): string[] {
    return this.variables().map((v) => `(declare-fun ${v.name} () (_ BitVec ${v.width}))`);
  }

  /** A task in a named cgroup is in exactly those named cgroups above it that are its ancestors. */
  assumptions(): string[] {
    const at = (p: Placement & { id: bigint }) =>
      this.d.cgroups[p.level]?.eq(cg(p.level), p.id) ?? "false";
    return this.d.placements.flatMap((x) => {
      const above = this.d.placements
        .filter((p) => p.level < x.level)
        .map((p) => (cgroupWithin(p, x) ? at(p) : `(not ${at(p)})`));
      return above.length === 0 ? [] : [`(assert (=> ${at(x)} (and true ${above.join(" ")})))`];
    });
  }

  /** A concrete subject from a model of the variables (index 0: a value nothing names). */
  subjectFrom(v: ReadonlyMap<string, bigint>): SubjectIdentity {
    const at = (name: string) => v.get(name) ?? 0n;
    const { uids, logins, gids, exes, cgroups } = this.d;
    const otherGid = freshNumber(gids.values, 60_000);
    const groups = GROUP_SLOTS.map((s) => gids.valueAt(at(s), otherGid));
    const levels = LEVELS.map((l) => cgroups[l]?.valueAt(at(cg(l)), 0n) ?? 0n);
    while (levels.length > 0 && levels[levels.length - 1] === 0n) levels.pop();
    let otherExe = { dev: 0xfffffffe, ino: 1n };
    while (exes.indexOf(otherExe) !== 0) otherExe = { ...otherExe, ino: otherExe.ino + 1n };
    return {
      uid: uids.valueAt(at("uid"), freshNumber(uids.values, 60_000)),
      gid: groups[0] ?? otherGid,
      groups: groups.slice(1),
      loginuid: logins.valueAt(at("login"), freshNumber(logins.values, 60_000)),
      cgroups: levels,
      exe: exes.valueAt(at("xe"), otherExe),
    };
  }
}
