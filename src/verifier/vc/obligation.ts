// Safety obligations: what must hold at an instruction for every execution
// reaching it. The executor records one check per path (path condition =>
// safe); checks of the same kind at the same slot are merged by conjunction
// into one Obligation, so each becomes one solver query.
import { and, implies } from "./term-store.js";
import type { Term } from "./term.js";

export type ObligationKind =
  | "uninit-reg"
  | "stack-bounds"
  | "stack-init"
  | "ctx-bounds"
  | "ctx-write"
  | "mem-bounds"
  | "null-check"
  | "bad-pointer"
  | "helper-arg"
  | "return-range"
  | "loop-bound"
  | "unsupported"
  | "div-by-zero"
  /** a shift by an immediate outside [0, width): the kernel refuses it */
  | "shift-range"
  /** a pointer in arithmetic the kernel refuses (alu-rules.ts) */
  | "pointer-arith"
  /** a clause of a functional specification (spec/), at one exit */
  | "functional";

/** Lints are reported but do not make a program unsafe (RFC 9669 defines x/0). */
export const LINT_KINDS: ReadonlySet<ObligationKind> = new Set(["div-by-zero"]);

export interface Obligation {
  readonly id: string;
  readonly kind: ObligationKind;
  readonly pc: number;
  /** closed formula over the program's inputs; valid iff the check always passes */
  readonly condition: Term;
  readonly message: string;
  /** the per-path parts of `condition`, so a model can be traced back to the path it breaks */
  readonly cases: readonly ObligationCase[];
  /**
   * Subterms a proof may treat as unknown values (generalize.ts): the
   * conjunction of the cases with these as variables implies `condition`.
   */
  readonly opaque?: readonly Term[];
}

export interface ObligationCase {
  readonly path: Term;
  readonly safe: Term;
  /** implies safe and is cheaper to prove; a proof attempt may try it first */
  readonly strong?: Term;
}

export interface Check {
  readonly kind: ObligationKind;
  readonly pc: number;
  readonly safe: Term;
  /** implies safe and is cheaper to prove; a proof attempt may try it first */
  readonly strong?: Term;
  readonly message: string;
  /** distinguishes checks of one kind at one slot (a functional clause's name) */
  readonly tag?: string;
  /** subterms a proof may generalize (Obligation.opaque) */
  readonly opaque?: readonly Term[];
}

export class ObligationSet {
  private readonly byId = new Map<
    string,
    { check: Check; parts: Term[]; cases: ObligationCase[] }
  >();

  /** The conjunction of a path's conjuncts, by path array and its length when built. */
  private readonly conjunctions = new WeakMap<readonly Term[], { length: number; term: Term }>();

  add(path: readonly Term[], check: Check): void {
    const id =
      check.tag === undefined
        ? `${check.kind}@${check.pc}`
        : `${check.kind}:${check.tag}@${check.pc}`;
    const entry = this.byId.get(id) ?? { check, parts: [], cases: [] };
    const taken = this.conjunction(path);
    entry.parts.push(implies(taken, check.safe));
    entry.cases.push({
      path: taken,
      safe: check.safe,
      ...(check.strong === undefined ? {} : { strong: check.strong }),
    });
    this.byId.set(id, entry);
  }

  /**
   * Paths grow by appending, and a block checks many accesses on one path
   * state: building its conjunction once per state, not once per check,
   * keeps long paths from costing a flattening per access.
   */
  private conjunction(path: readonly Term[]): Term {
    const known = this.conjunctions.get(path);
    if (known !== undefined && known.length === path.length) return known.term;
    const term = and(...path);
    this.conjunctions.set(path, { length: path.length, term });
    return term;
  }

  /** Adds every check another set recorded (a scratch run that turned out to be the real one). */
  addAll(other: ObligationSet): void {
    for (const [id, { check, parts, cases }] of other.byId) {
      const entry = this.byId.get(id) ?? { check, parts: [], cases: [] };
      entry.parts.push(...parts);
      entry.cases.push(...cases);
      this.byId.set(id, entry);
    }
  }

  list(): Obligation[] {
    return [...this.byId].map(([id, { check, parts, cases }]) => ({
      id,
      kind: check.kind,
      pc: check.pc,
      condition: and(...parts),
      message: `verify insn ${check.pc}: ${check.message}`,
      cases,
      ...(check.opaque === undefined ? {} : { opaque: check.opaque }),
    }));
  }
}
