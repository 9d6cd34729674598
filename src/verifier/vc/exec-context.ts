// What the symbolic executor needs to know about the program beyond its
// code: its type (for the context and the return rule), how lddw
// relocations resolve, and the exploration limits. `Exec` is the per-run
// environment threaded through the step functions.
import type { Cut } from "./cut.js";
import { ObligationSet, type ObligationKind } from "./obligation.js";
import type { MapInfo, PathState } from "./sym-state.js";
import { bvVar, variable } from "./term-store.js";
import { BOOL, type Term } from "./term.js";
import type { ExitRecord } from "./trace.js";

export type LddwBinding =
  | { readonly kind: "map"; readonly map: MapInfo }
  | {
      readonly kind: "global";
      readonly section: string;
      readonly size: number;
      readonly writable: boolean;
      readonly offset: number;
      /**
       * Read-only data a loader set and froze before loading (libbpf freezes
       * .rodata; the kernel verifier then reads it as constants): its bytes.
       * Undefined: the contents are unknown.
       */
      readonly frozen?: Uint8Array;
    };

export interface ProgramContext {
  /** lsm: r0 at exit must be 0 or -errno; ctx slots hold kernel pointers */
  readonly kind: "lsm" | "generic";
  /** bytes readable through r1 at entry */
  readonly ctxSize: number;
  /**
   * LSM: ctx offset of the `ret` argument (the previous hook's verdict), which
   * the kernel guarantees is 0 or -errno; an assumption, not a check.
   */
  readonly priorVerdictAt: number | undefined;
  readonly lddw: (pc: number) => LddwBinding | undefined;
  /** how many times one path may enter a loop head */
  readonly unroll: number;
  readonly maxPaths: number;
  /** merge paths where they join (exact); off explores every path on its own */
  readonly merge: boolean;
  /**
   * The model for functional specifications: helper results that cannot
   * change within one run (the current task, pid, uid, cgroup) and map
   * contents at a key (until the path writes that map) are the same terms
   * on every call, outputs are traced and every exit is recorded.
   */
  readonly functional: boolean;
  /** under the functional model: a specification's lemmas by slot (cut.ts) */
  readonly cuts?: ReadonlyMap<number, readonly Cut[]>;
}

export const defaultContext = (over: Partial<ProgramContext> = {}): ProgramContext => ({
  kind: "generic",
  ctxSize: 0,
  priorVerdictAt: undefined,
  lddw: () => undefined,
  // Proofwall's own loops run up to 33 times (the directory walk's positions,
  // 32 supplementary groups); merging keeps a longer unrolling linear.
  unroll: 40,
  maxPaths: 4096,
  merge: true,
  functional: false,
  ...over,
});

export class Exec {
  readonly obligations = new ObligationSet();
  /** the program's exits, recorded under the functional model */
  readonly exits: ExitRecord[] = [];
  private counter = 0;
  constructor(
    readonly program: ProgramContext,
    private readonly root?: Exec,
  ) {}

  /**
   * An environment whose checks and exits are kept apart (and can be thrown
   * away), sharing this one's variable names so nothing it makes collides.
   */
  scratch(): Exec {
    return new Exec(this.program, this.root ?? this);
  }

  /** Takes over a scratch run's checks and exits as this run's own. */
  adopt(run: Exec): void {
    this.obligations.addAll(run.obligations);
    this.exits.push(...run.exits);
  }

  /** A name no other fresh variable of this run has; it records what it stands for and where. */
  freshName(what: string, pc: number): string {
    const root = this.root ?? this;
    return `${what}@${pc}#${root.counter++}`;
  }

  /** A fresh input variable. */
  fresh(what: string, pc: number, width: number): Term {
    return bvVar(this.freshName(what, pc), width);
  }
  freshBool(what: string, pc: number): Term {
    return variable(this.freshName(what, pc), BOOL);
  }
  check(s: PathState, kind: ObligationKind, pc: number, safe: Term, message: string): void {
    this.obligations.add(s.path, { kind, pc, safe, message });
  }
  /** A check with a stronger goal that implies safe, for a cheap first proof attempt. */
  checkWithStrong(
    s: PathState,
    kind: ObligationKind,
    pc: number,
    goal: { readonly safe: Term; readonly strong: Term },
    message: string,
  ): void {
    this.obligations.add(s.path, { kind, pc, ...goal, message });
  }
}
