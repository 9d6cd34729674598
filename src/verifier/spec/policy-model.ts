// The decision the compiled-policy maps encode (pw_policy_decide.h, as
// src/compile/lookup-model.ts models it), as terms over the map contents and
// the current task: the generation and its config, the subject's candidate
// keys, the best score among them and the outcome. Every term is built from
// the inputs the executor's functional model uses (inputs.ts), so a clause
// that compares a program's exit with these terms talks about the values the
// program read. Layouts and enum values come from the object's BTF; the
// constants below are #defines the BTF does not carry.
import {
  and,
  bin,
  bv,
  cmp,
  concat,
  eq,
  extract,
  ite,
  not,
  sext,
  zext,
  add,
  widthOf,
  type Term,
} from "../vc/index.js";
import {
  cgroupAncestor,
  helperResult,
  kernelLoad,
  kernelRead,
  mapField,
  mapPresent,
} from "./inputs.js";
import type { Field, Layout } from "./layout.js";

const PW_MAX_GROUPS = 32;
const PW_MAX_PLACE_LEVEL = 15;
const PW_RULE_NONE = 0xffffffffn;

export const isZero = (t: Term): Term => eq(t, bv(0n, widthOf(t)));
const bvAnd = (a: Term, b: Term) => bin("bvand", a, b);
const lshr = (a: Term, n: Term) => bin("bvlshr", a, n);
export const ugt = (a: Term, b: Term) => cmp("bvult", b, a);
const u32 = (n: bigint | number) => bv(BigInt(n), 32);

/** The bytes of a map key: each field's value at its offset, zero elsewhere. */
export function keyOf(size: number, fields: readonly (readonly [Field, Term])[]): Term {
  const bytes: Term[] = Array.from({ length: size }, () => bv(0n, 8));
  for (const [f, v] of fields)
    for (let i = 0; i < f.size; i++) bytes[f.offset + i] = extract(8 * i + 7, 8 * i, v);
  return bytes.reduce((acc, b) => concat(b, acc));
}

/** The map's value at key, or zero when the map has no entry there. */
export const valueOr0 = (map: string, key: Term, f: Field): Term =>
  ite(mapPresent(map, key), mapField(map, key, f), bv(0n, f.size * 8));

const maxOf = (terms: readonly Term[]): Term =>
  terms.reduce((m, s) => ite(ugt(s, m), s, m), bv(0n, 64));

export interface Identity {
  /** the identity takes part in the candidate keys */
  readonly present: Term;
  readonly kind: bigint;
  readonly value: Term;
  /** the pw_objects lookup that names it, for an identity the policy must name */
  readonly named?: Term;
}

/** Key sizes of the policy maps (from the object's map definitions). */
export interface PolicyKeySizes {
  readonly objects: number;
  readonly rules: number;
}

export class PolicyModel {
  readonly task = helperResult("get_current_task_btf");
  private readonly uidGid = helperResult("get_current_uid_gid");

  constructor(
    readonly layout: Layout,
    readonly keys: PolicyKeySizes,
    readonly cls: bigint,
    /** the class default decides a request no rule names (anonymous exec: only a rule does) */
    readonly defaultDecides = true,
  ) {}

  private enumerator = (name: string) => this.layout.enumerator(name);

  /** pw_control[0] & 1, or 0 without an entry. */
  gen(): Term {
    const key = u32(0);
    return bvAnd(valueOr0("pw_control", key, { offset: 0, size: 4 }), u32(1));
  }

  /** A field of pw_config[gen], zero when there is no entry. */
  config(field: string): Term {
    return valueOr0("pw_config", this.gen(), this.layout.field("pw_config", field));
  }

  /** pw_objects' id for (kind, value, dev) in the generation; 0 when not named. */
  objectId(kind: string, value: Term, dev: Term): Term {
    const k = (f: string) => this.layout.field("pw_object_key", f);
    const key = keyOf(this.keys.objects, [
      [k("value"), value],
      [k("dev"), dev],
      [k("gen"), extract(7, 0, this.gen())],
      [k("kind"), bv(this.enumerator(kind), 8)],
    ]);
    return valueOr0("pw_objects", key, { offset: 0, size: 4 });
  }

  uid = (): Term => extract(31, 0, this.uidGid);
  gid = (): Term => extract(63, 32, this.uidGid);
  loginuid = (): Term => kernelLoad(this.task, this.layout.field("task_struct", "loginuid"));

  private read(ptr: Term, struct: string, field: string): Term {
    const f = this.layout.field(struct, field);
    return kernelRead(add(ptr, bv(BigInt(f.offset), 64)), f.size);
  }

  /** The executable's object id: pw_objects(EXE, its inode number, its device). */
  exe(): Term {
    const mm = this.read(this.task, "task_struct", "mm");
    const file = this.read(mm, "mm_struct", "exe_file");
    const inode = () => this.read(file, "file", "f_inode");
    const ino = this.read(inode(), "inode", "i_ino");
    const dev = this.read(this.read(inode(), "inode", "i_sb"), "super_block", "s_dev");
    return ite(isZero(file), u32(0), this.objectId("PW_OBJ_EXE", ino, dev));
  }

  /** The deepest named cgroup among the levels the config marks, or 0. */
  place(): Term {
    const levels = this.config("cgroup_levels");
    let place = u32(0);
    for (let level = 0; level <= PW_MAX_PLACE_LEVEL; level++) {
      const id = cgroupAncestor(level);
      const named = this.objectId("PW_OBJ_CGROUP", id, u32(0));
      const marked = not(isZero(bvAnd(lshr(levels, u32(level)), u32(1))));
      place = ite(and(marked, not(isZero(id)), not(isZero(named))), named, place);
    }
    return place;
  }

  /** None, user, login user, then the primary and supplementary groups the policy names. */
  identities(): Identity[] {
    const lookup = (gid: Term) => this.objectId("PW_OBJ_GID", zext(32, gid), u32(0));
    const group = this.enumerator("PW_IDENT_GROUP");
    const cred = this.read(this.task, "task_struct", "cred");
    const info = this.read(cred, "cred", "group_info");
    const n = this.read(info, "group_info", "ngroups");
    const gids = this.layout.field("group_info", "gid").offset;
    const supplementary = Array.from({ length: PW_MAX_GROUPS }, (_, i) => {
      const g = kernelRead(add(info, bv(BigInt(gids + 4 * i), 64)), 4);
      const listed = and(not(isZero(info)), cmp("bvslt", bv(BigInt(i), 64), sext(32, n)));
      const named = lookup(g);
      return { present: and(listed, not(isZero(named))), kind: group, value: g, named };
    });
    const fixed = (kind: string, value: Term): Identity => ({
      present: and(),
      kind: this.enumerator(kind),
      value,
    });
    return [
      fixed("PW_IDENT_NONE", u32(0)),
      fixed("PW_IDENT_USER", this.uid()),
      fixed("PW_IDENT_LOGIN", this.loginuid()),
      {
        present: not(isZero(lookup(this.gid()))),
        kind: group,
        value: this.gid(),
        named: lookup(this.gid()),
      },
      ...supplementary,
    ];
  }

  /**
   * The pw_objects lookups that say who the subject is (the executable, the
   * placement, each group), as terms a proof may generalize: whether a
   * candidate key counts depends on them, not on what they are.
   */
  subjectLookups(): Term[] {
    const named = this.identities().flatMap((id) => (id.named ? [id.named] : []));
    return [this.exe(), this.place(), ...named];
  }

  /**
   * How many identity slots the program fills (pw_req.nidents) once the
   * config has shapes: one past the last slot present, at least the three
   * fixed ones; the group slots only when some shape names a group (the
   * program reads the groups only then).
   */
  identitySlots(): Term {
    const group = this.enumerator("PW_IDENT_GROUP");
    const groupShapes = [0n, 4n, 8n, 12n].reduce((m, base) => m | (1n << (base + group)), 0n);
    const fixed = u32(3);
    const slots = this.identities()
      .slice(3)
      .reduce((n, id, i) => ite(id.present, u32(4 + i), n), fixed);
    return ite(isZero(bvAnd(this.config("shapes"), u32(groupShapes))), fixed, slots);
  }

  /**
   * The best pw_rules score over the subject's candidate keys at (res, op):
   * each identity with and without the executable and the placement, where
   * the task has them and the config's shapes use that combination.
   */
  bestScore(res: Term, op: Term): Term {
    return ite(isZero(this.config("shapes")), bv(0n, 64), this.bestOfAll(res, op));
  }

  /**
   * The best score among all the candidate keys, whether or not the config
   * has shapes (bestScore says 0 without: the program then looks nothing up).
   */
  bestOfAll(res: Term, op: Term): Term {
    return this.bestOfFirst(res, op, Infinity);
  }

  /**
   * The best score among the first n candidate keys, in the program's order
   * (identity slot, then without/with the executable, without/with the
   * placement): the candidate loop's invariant.
   */
  bestOfFirst(res: Term, op: Term, n: number): Term {
    return maxOf(this.candidateScores(res, op).slice(0, n));
  }

  private readonly scores = new Map<string, { scores: Term[]; lookups: Term[] }>();

  /** Each candidate key's pw_rules score at (res, op), 0 where the key is not used. */
  candidateScores(res: Term, op: Term): Term[] {
    return this.candidates(res, op).scores;
  }

  /**
   * Each candidate key's pw_rules lookup at (res, op), used or not: the
   * terms a proof about which candidates count may generalize.
   */
  ruleLookups(res: Term, op: Term): Term[] {
    return this.candidates(res, op).lookups;
  }

  private candidates(res: Term, op: Term): { scores: Term[]; lookups: Term[] } {
    const memo = `${res.id}/${op.id}`;
    const hit = this.scores.get(memo);
    if (hit) return hit;
    const shapes = this.config("shapes");
    const exe = this.exe();
    const place = this.place();
    const f = (name: string) => this.layout.field("pw_rule_key", name);
    const lookups: Term[] = [];
    const scores = this.identities().flatMap((id) =>
      [0, 1, 2, 3].map((i) => {
        const [e, p] = [(i & 1) === 1, (i & 2) === 2];
        const bit = u32((e ? 8n : 0n) + (p ? 4n : 0n) + id.kind);
        const used = and(
          id.present,
          e ? not(isZero(exe)) : and(),
          p ? not(isZero(place)) : and(),
          not(isZero(bvAnd(lshr(shapes, bit), u32(1)))),
        );
        const key = keyOf(this.keys.rules, [
          [f("exe"), e ? exe : u32(0)],
          [f("place"), p ? place : u32(0)],
          [f("ident"), id.value],
          [f("res"), res],
          [f("gen"), extract(7, 0, this.gen())],
          [f("cls"), bv(this.cls, 8)],
          [f("op"), extract(7, 0, op)],
          [f("ident_kind"), bv(id.kind, 8)],
        ]);
        const lookup = valueOr0("pw_rules", key, { offset: 0, size: 8 });
        lookups.push(lookup);
        return ite(used, lookup, bv(0n, 64));
      }),
    );
    const out = { scores, lookups };
    this.scores.set(memo, out);
    return out;
  }

  /** The action of a score: allow 0, audit 1, deny 2; the class default (if it decides) for 0. */
  action(score: Term): Term {
    const defaults = this.defaultDecides ? this.config("deny_defaults") : u32(0);
    const byDefault = bvAnd(lshr(defaults, u32(this.cls)), u32(1));
    return ite(
      isZero(score),
      ite(isZero(byDefault), u32(0), u32(2)),
      extract(31, 0, bvAnd(lshr(score, bv(32n, 64)), bv(3n, 64))),
    );
  }

  /** enum pw_outcome of a score under the generation's audit switch. */
  outcome(score: Term): Term {
    const e = (name: string) => u32(this.enumerator(name));
    const action = this.action(score);
    const audit = not(isZero(this.config("audit_mode")));
    return ite(
      eq(action, u32(2)),
      ite(audit, e("PW_OUT_WOULD_DENY"), e("PW_OUT_DENY")),
      ite(eq(action, u32(1)), e("PW_OUT_AUDIT"), e("PW_OUT_ALLOW")),
    );
  }

  /** The rule index an event names: PW_SCORE_RULE, or PW_RULE_NONE for a default. */
  rule(score: Term): Term {
    return ite(
      isZero(score),
      u32(PW_RULE_NONE),
      bin("bvxor", extract(31, 0, score), u32(PW_RULE_NONE)),
    );
  }
}
