// bpf_loop(nr, callback, ctx, flags): the kernel calls callback(i, ctx) for
// i = 0, 1, ... below nr until it returns 1, and returns how many times it
// did. The callback is checked once for an arbitrary i < nr, starting from
// the caller's state with every byte the callback may write made unknown
// (any earlier iteration may have written it). Which bytes those are is its
// footprint, found by exploring the callback until the footprint stops
// growing; only the last, stable exploration's checks count. After the call,
// the caller sees the footprint's bytes as unknown and keeps everything else.
// This is sound for any number of iterations, unlike the 6.1 kernel
// verifier, which checks the callback once and keeps the caller's stack as
// it was.
import type { Exec } from "./exec-context.js";
import { Footprint } from "./footprint.js";
import type { Job } from "./job-queue.js";
import { fork, scalar, UNINIT, type PathState, type SymValue } from "./sym-state.js";
import { numeric, use } from "./sym-step.js";
import { FALSE, TRUE, bv, concat, eq, extract, or, ule, ult } from "./term-store.js";
import type { Term } from "./term.js";

export const BPF_LOOP = 181;
const MAX_LOOPS = 1n << 23n;
const E2BIG = 7n;
const EINVAL = 22n;

/** Explores from one job to the end of every path it leads to. */
export type ExploreFrom = (x: Exec, job: Job) => void;

/** Makes a fresh stack for a new frame and returns its r10. */
export type NewStack = (s: PathState) => SymValue;

interface LoopCall {
  readonly pc: number;
  readonly entry: number;
  readonly ctx: SymValue;
  readonly nr: Term;
  readonly flags: Term;
}

export function bpfLoop(
  x: Exec,
  s: PathState,
  pc: number,
  exploreFrom: ExploreFrom,
  newStack: NewStack,
): void {
  const nr = extract(31, 0, numeric(x, s, pc, use(x, s, pc, 1)));
  const fn = use(x, s, pc, 2);
  const ctx = use(x, s, pc, 3);
  const flags = numeric(x, s, pc, use(x, s, pc, 4));
  checkCtx(x, s, pc, ctx);
  if (fn.kind !== "func")
    x.check(s, "helper-arg", pc, FALSE, "bpf_loop r2: not the address of a callback function");
  else {
    const call = { pc, entry: fn.entry, ctx, nr, flags };
    stableFootprint(x, s, call, exploreFrom, newStack).havoc(x, s, pc);
  }
  const r0 = x.fresh("bpf_loop", pc, 64);
  const count = concat(bv(0n, 32), nr);
  s.path.push(or(ule(r0, count), eq(r0, bv(-E2BIG, 64)), eq(r0, bv(-EINVAL, 64))));
  s.regs[0] = scalar(r0);
  for (let r = 1; r <= 5; r++) s.regs[r] = UNINIT;
}

/** The kernel's bpf_loop takes ctx as a stack pointer or NULL. */
function checkCtx(x: Exec, s: PathState, pc: number, ctx: SymValue): void {
  const why = "bpf_loop r3: the callback context must be a stack pointer or NULL";
  if (ctx.kind === "ptr") {
    const stack = s.regions[ctx.region]?.kind === "stack";
    x.check(s, "helper-arg", pc, stack && ctx.isNull === undefined ? TRUE : FALSE, why);
  } else if (ctx.kind === "scalar") x.check(s, "helper-arg", pc, eq(ctx.v, bv(0n, 64)), why);
  else x.check(s, "helper-arg", pc, FALSE, why);
}

/**
 * Explores the callback from the caller's state with the current estimate's
 * bytes unknown, until a run writes nothing the estimate lacks; that run's
 * checks are the callback's obligations.
 */
function stableFootprint(
  x: Exec,
  s: PathState,
  call: LoopCall,
  exploreFrom: ExploreFrom,
  newStack: NewStack,
): Footprint {
  const estimate = new Footprint(s.regions.length);
  for (;;) {
    const run = x.scratch();
    const seen = new Footprint(s.regions.length);
    exploreFrom(run, probe(run, s, call, estimate, seen, newStack));
    if (!estimate.absorb(seen)) {
      x.adopt(run);
      return estimate;
    }
  }
}

/** The callback's entry state: some iteration i < nr, ctx in r2, a fresh stack. */
function probe(
  x: Exec,
  s: PathState,
  call: LoopCall,
  estimate: Footprint,
  seen: Footprint,
  newStack: NewStack,
): Job {
  const p = fork(s);
  estimate.havoc(x, p, call.pc);
  p.footprint = seen;
  const i = x.fresh("bpf_loop-index", call.pc, 32);
  p.path.push(ult(i, call.nr), ule(call.nr, bv(MAX_LOOPS, 32)), eq(call.flags, bv(0n, 64)));
  p.frames.push({
    returnPc: call.pc + 1,
    saved: new Array<SymValue>(5).fill(UNINIT),
    callback: { traceAt: p.trace.length },
  });
  p.regs = new Array<SymValue>(11).fill(UNINIT);
  p.regs[1] = scalar(concat(bv(0n, 32), i));
  p.regs[2] = call.ctx;
  p.regs[10] = newStack(p);
  p.visits = new Map();
  return { s: p, pc: call.entry };
}

/** A callback's exit: it must return 0 (go on) or 1 (stop); the path ends here. */
export function callbackReturn(x: Exec, s: PathState, pc: number, r0: Term, traceAt: number): void {
  x.check(s, "return-range", pc, ule(r0, bv(1n, 64)), "a bpf_loop callback must return 0 or 1");
  if (x.program.functional && s.trace.length > traceAt)
    x.check(
      s,
      "unsupported",
      pc,
      FALSE,
      "the outputs of a bpf_loop callback (map writes, records) are not modelled functionally",
    );
}
