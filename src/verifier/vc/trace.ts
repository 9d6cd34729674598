// What a path does that a functional specification may talk about besides its
// return value: the ring-buffer records it reserves and submits, and the maps
// it writes. Recorded only when the program context asks for the functional
// model (exec-context.ts), so safety exploration and its path merging are
// unchanged.
import type { Term } from "./term.js";

export type TraceEvent =
  | {
      readonly kind: "ringbuf-reserve";
      readonly map: string;
      /** the region the record lives in, to match a later submit */
      readonly region: number;
      /** the reservation succeeded (the record is not NULL) */
      readonly ok: Term;
    }
  | {
      readonly kind: "ringbuf-submit" | "ringbuf-discard";
      readonly pc: number;
      readonly region: number;
      /** the record's bytes when it was handed to the helper */
      readonly bytes: Term;
    }
  | {
      /** a call of bpf_ktime_get_ns: the n-th one on a path returns clockName(n) */
      readonly kind: "clock";
      readonly pc: number;
    }
  | {
      readonly kind: "map-write";
      readonly map: string;
      readonly pc: number;
      readonly via: "store" | "helper";
    };

/** One way out of the program: the path that leads there, r0 and the trace. */
export interface ExitRecord {
  readonly pc: number;
  readonly path: readonly Term[];
  readonly r0: Term;
  readonly trace: readonly TraceEvent[];
}

/** Traces of merged paths must be the same events (merging does not combine outputs). */
export const sameTrace = (a: readonly TraceEvent[], b: readonly TraceEvent[]): boolean =>
  a.length === b.length && a.every((e, i) => e === b[i]);
