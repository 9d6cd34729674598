// A functional specification: named clauses over one exit of the program.
// A clause sees the inputs (inputs.ts, the same terms the executor builds)
// and the exit's outputs (ExitView); it yields a boolean term, so both proof
// routes (direct SMT and Why3) consume it unchanged.
import type { Term } from "../vc/index.js";
import type { Field } from "./layout.js";
import type { WitnessMaps } from "./witness-maps.js";

export interface ExitView {
  /** the low 32 bits of r0, the verdict an LSM hook returns */
  readonly ret: Term;
  /** a record reserved in this ring buffer was submitted on this path */
  readonly emitted: (ringbuf: string) => Term;
  /** `field` of the record submitted to this ring buffer (unconstrained when none was) */
  readonly record: (ringbuf: string, field: Field) => Term;
  /** the maps (and global data sections) the path wrote, in order, with repeats */
  readonly writes: readonly string[];
}

export interface Clause {
  readonly name: string;
  readonly holds: (exit: ExitView) => Term;
}

export interface FunctionalSpec {
  readonly program: string;
  readonly clauses: readonly Clause[];
  /**
   * How to explore the program for this spec: merge paths at joins (only
   * paths with the same outputs so far merge) and how often a path may enter
   * a loop head (bpf_loop's trampoline loop included). Default: no merging,
   * the executor's usual bound.
   */
  readonly explore?: { readonly merge?: boolean; readonly unroll?: number };
  /** intermediate facts, each proved where it is stated and then used (vc/cut.ts) */
  readonly lemmas?: readonly LoopLemma[];
  /**
   * Subterms the clauses' proofs may treat as unknown values (vc/generalize.ts):
   * typically the lemmas' values, which the exit and the clause share.
   */
  readonly opaque?: readonly Term[];
  /** map contents under which to look for counterexamples first (witness-maps.ts) */
  readonly witnesses?: readonly WitnessMaps[];
}

/**
 * When the `site`-th bpf_loop call of the program (in program order) has
 * run, `field` of the struct its ctx points to holds `value`; and, when
 * given, before each iteration it holds what `before` says. Each is proved
 * where it is stated, assuming the ones before it.
 */
export interface LoopLemma {
  readonly name: string;
  readonly site: number;
  readonly field: Field;
  readonly value: Term;
  /** before iteration k (from 0), `field` holds before(k): the loop invariant */
  readonly before?: (k: number) => Term | undefined;
  /** subterms the proof of `value` at the loop's end may generalize */
  readonly opaque?: readonly Term[];
}
