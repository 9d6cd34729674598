// What validate.ts asks of each part of the request space: its positions, the
// two first-match lists at each, and the concrete requests that reach a
// position (to confirm a disagreement the solver found there).
import type { Request, SubjectIdentity } from "../../policy/request.js";
import type { Candidate } from "./candidates.js";
import type { Position } from "./position-request.js";

export interface PositionProblem {
  readonly position: Position;
  readonly kernel: readonly Candidate[];
  readonly decide: readonly Candidate[];
}

export interface PositionSource {
  /** Every position either side names. */
  positions(): Iterable<Position>;
  problem(p: Position): PositionProblem;
  /** Concrete requests that are decided at `p` for this subject, best guess first. */
  requests(p: Position, subject: SubjectIdentity): Iterable<Request>;
}
