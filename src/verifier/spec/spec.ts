// A functional specification: named clauses over one exit of the program.
// A clause sees the inputs (inputs.ts, the same terms the executor builds)
// and the exit's outputs (ExitView); it yields a boolean term, so both proof
// routes (direct SMT and Why3) consume it unchanged.
import type { Term } from "../vc/index.js";
import type { Field } from "./layout.js";

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
}
