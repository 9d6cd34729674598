// How one step of the replay changed the machine's frames, so the shadow
// state, the loop-visit counts and the model's inputs can follow calls,
// returns and the runs of a bpf_loop callback (semantics/bpf-loop.ts), which
// the machine starts again in the same frame.
import type { Machine } from "../semantics/index.js";
import type { InputMark, ModelInputs } from "./model-inputs.js";

export type FrameChange =
  /** a local call entered its callee */
  | "call"
  /** bpf_loop entered the first run of its callback */
  | "callback"
  /** a callback run returned 0 and the next run began */
  | "next-run"
  /** a callee returned */
  | "return"
  /** the last callback run returned and bpf_loop returned its count */
  | "loop-done";

/** What frameChange compares against: the frames before the step. */
export interface FrameMark {
  readonly depth: number;
  /** the innermost frame is a bpf_loop callback's */
  readonly inCallback: boolean;
  /** the step is an exit */
  readonly atExit: boolean;
}

export const frameMark = (m: Machine): FrameMark => ({
  depth: m.frames.length,
  inCallback: m.frames.at(-1)?.loop !== undefined,
  atExit: m.code[m.pc]?.kind === "exit",
});

export function frameChange(before: FrameMark, m: Machine): FrameChange | undefined {
  const depth = m.frames.length;
  if (depth > before.depth) return m.frames.at(-1)?.loop ? "callback" : "call";
  if (depth < before.depth) return before.inCallback ? "loop-done" : "return";
  // A callback's exit that leaves the depth as it was started the next run.
  return before.inCallback && before.atExit ? "next-run" : undefined;
}

/** Loop-head visits per frame: a function's counts end when it returns, as in vc/loop-visits.ts. */
export class FrameVisits {
  private readonly frames: Map<number, number>[] = [new Map()];

  /** Counts one more visit of slot `pc` in the current frame; returns the count. */
  visit(pc: number): number {
    const top = this.frames.at(-1) ?? new Map<number, number>();
    const n = (top.get(pc) ?? 0) + 1;
    top.set(pc, n);
    return n;
  }

  count(pc: number): number {
    return this.frames.at(-1)?.get(pc) ?? 0;
  }

  follow(change: FrameChange | undefined): void {
    if (change === "call" || change === "callback") this.frames.push(new Map());
    if (change === "next-run") this.frames[this.frames.length - 1] = new Map();
    if (change === "return" || change === "loop-done") this.frames.pop();
  }
}

/** Rewinds the model's inputs at each new callback run to where the first run began. */
export function callbackInputs(inputs: ModelInputs): (change: FrameChange | undefined) => void {
  const marks: InputMark[] = [];
  return (change) => {
    const mark = marks.at(-1);
    if (change === "callback") marks.push(inputs.mark());
    if (change === "next-run" && mark !== undefined) inputs.rewind(mark);
    if (change === "loop-done") marks.pop();
  };
}
