// Joining two path states that reach the same slot in the same call context
// and loop iteration. The join is exact, not an abstraction: with `c` the
// condition under which the first path was taken (its path conjuncts after
// the common prefix), every value becomes ite(c, first, second), and the
// path condition becomes prefix && (c || second's own conjuncts). Values the
// two paths cannot share one shape for (a pointer on one side, a number on the
// other) make the states unmergeable, unless the register is dead at the
// join (liveness.ts), in which case it is forgotten. This keeps the number
// of paths linear in the branches that really diverge, instead of
// exponential in every diamond of the program.
//
// Under the functional model (a `choice` of fresh booleans), values choose by
// a small term instead of c: a conjunct of the first path that the second
// negates (selector below), or else a fresh boolean m, with values
// ite(m, first, second) and the path condition prefix && ((m && c) ||
// (!m && second's)). The two paths' conditions exclude each other, so m is
// fixed by the inputs and the join stays exact; a value no longer carries
// everything its path did (a specification's clause over it stays small).
import type { RegMask } from "../cfg/index.js";
import type { Frame, PathState, Region, Spill, SymValue } from "./sym-state.js";
import { UNINIT } from "./sym-state.js";
import { FALSE, and, ite, not, or } from "./term-store.js";
import type { Term } from "./term.js";
import { sameTrace } from "./trace.js";

/** The merged state, or null when some live value has no common shape. */
export function mergeStates(
  a: PathState,
  b: PathState,
  live: RegMask,
  liveAtReturn: (returnPc: number) => RegMask,
  choice?: () => Term,
): PathState | null {
  if (!sameShape(a, b) || !sameTrace(a.trace, b.trace)) return null;
  let common = 0;
  while (common < a.path.length && common < b.path.length && a.path[common] === b.path[common])
    common++;
  const c = and(...a.path.slice(common));
  const cb = and(...b.path.slice(common));
  const chosen = choice && (selector(a.path.slice(common), b.path.slice(common)) ?? choice());
  const m = new Merger(chosen ?? c);
  const regs = mergeRegs(m, a.regs, b.regs, live);
  const frames = a.frames.map((f, i) => mergeFrame(m, f, b.frames[i], liveAtReturn(f.returnPc)));
  // A region index names "the region this path made at that point": where
  // both paths have one, the merged region is theirs under ite; a region only
  // the longer path made is reachable only from that path's values.
  const longer = a.regions.length >= b.regions.length ? a : b;
  const regions = longer.regions.map((r, i) => {
    const [x, y] = [a.regions[i], b.regions[i]];
    return x && y ? m.region(x, y) : r;
  });
  const globals = mergeGlobals(a, b);
  if (m.failed || regs === null || frames.some((f) => f === null) || globals === null) return null;
  return {
    regs,
    regions,
    frames: frames as Frame[],
    path: [
      ...a.path.slice(0, common),
      chosen ? or(and(chosen, c), and(not(chosen), cb)) : or(c, cb),
    ],
    visits: new Map(a.visits),
    globals,
    trace: a.trace,
    ...(a.footprint ? { footprint: a.footprint } : {}),
  };
}

/**
 * A conjunct of the first path whose negation is a conjunct of the second:
 * under the merged condition it holds exactly on the first path's inputs,
 * so it chooses between the paths' values as well as the first path's whole
 * condition does. Two branches of one jump always have one (the jump's
 * condition and its negation), and it is one small term where the whole
 * condition holds everything either path did since they parted: a loop's
 * exits, say, when only one side ran the loop.
 */
function selector(a: readonly Term[], b: readonly Term[]): Term | undefined {
  const other = new Set(b.map((t) => t.id));
  return a.find((t) => other.has(not(t).id));
}

function sameShape(a: PathState, b: PathState): boolean {
  if (a.frames.length !== b.frames.length) return false;
  if (a.frames.some((f, i) => f.returnPc !== b.frames[i]?.returnPc)) return false;
  if (a.frames.some((f, i) => (f.callback === undefined) !== (b.frames[i]?.callback === undefined)))
    return false;
  if (a.footprint !== b.footprint) return false;
  if (a.visits.size !== b.visits.size) return false;
  for (const [pc, n] of a.visits) if (b.visits.get(pc) !== n) return false;
  return true;
}

/** A global section mapped by one path only must sit among that path's extra regions. */
function mergeGlobals(a: PathState, b: PathState): Map<string, number> | null {
  const out = new Map(a.globals);
  for (const [name, id] of a.globals)
    if (!b.globals.has(name) && id < b.regions.length) return null;
  for (const [name, id] of b.globals) {
    const mine = a.globals.get(name);
    if (mine === undefined ? id < a.regions.length : mine !== id) return null;
    out.set(name, id);
  }
  return out;
}

function mergeRegs(
  m: Merger,
  a: readonly SymValue[],
  b: readonly SymValue[],
  live: RegMask,
): SymValue[] | null {
  const out: SymValue[] = [];
  for (let r = 0; r < a.length; r++) {
    if ((live & (1 << r)) === 0) {
      out.push(UNINIT);
      continue;
    }
    const v = m.value(a[r] ?? UNINIT, b[r] ?? UNINIT);
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

function mergeFrame(m: Merger, a: Frame, b: Frame | undefined, live: RegMask): Frame | null {
  if (b === undefined) return null;
  // saved holds the caller's r6..r10
  const saved = mergeRegs(m, a.saved, b.saved, live >> 6);
  return saved === null ? null : { ...a, saved };
}

class Merger {
  failed = false;
  constructor(private readonly c: Term) {}

  term(a: Term, b: Term): Term {
    return ite(this.c, a, b);
  }

  value(a: SymValue, b: SymValue): SymValue | null {
    if (a === b) return a;
    if (a.kind === "uninit" || b.kind === "uninit") return UNINIT; // a read after the join is checked
    if (a.kind === "scalar" && b.kind === "scalar") {
      if (a.kernelPtr !== b.kernelPtr) return null;
      return { kind: "scalar", v: this.term(a.v, b.v), kernelPtr: a.kernelPtr };
    }
    if (a.kind === "ptr" && b.kind === "ptr") {
      if (a.region !== b.region) return null;
      const isNull =
        a.isNull === undefined && b.isNull === undefined
          ? undefined
          : this.term(a.isNull ?? FALSE, b.isNull ?? FALSE);
      return { kind: "ptr", region: a.region, off: this.term(a.off, b.off), isNull };
    }
    if (a.kind === "map" && b.kind === "map" && a.map.name === b.map.name) return a;
    if (a.kind === "func" && b.kind === "func" && a.entry === b.entry) return a;
    return null;
  }

  region(a: Region, b: Region | undefined): Region {
    if (b === undefined || a === b) return a;
    if (
      a.kind !== b.kind ||
      a.writable !== b.writable ||
      (a.init === undefined) !== (b.init === undefined)
    ) {
      this.failed = true;
      return a;
    }
    const spills = this.spills(a.spills, b.spills);
    return {
      ...a,
      size: this.term(a.size, b.size),
      base: this.term(a.base, b.base),
      bytes: this.term(a.bytes, b.bytes),
      init: a.init && b.init ? this.term(a.init, b.init) : undefined,
      spills,
    };
  }

  /** Pointers spilled to the stack must be spilled to the same slots on both paths. */
  private spills(
    a: ReadonlyMap<number, Spill>,
    b: ReadonlyMap<number, Spill>,
  ): ReadonlyMap<number, Spill> {
    if (a === b) return a;
    if (a.size !== b.size) {
      this.failed = true;
      return a;
    }
    const out = new Map<number, Spill>();
    for (const [off, v] of a) {
      const w = b.get(off);
      const merged = w === undefined ? null : this.value(v.value, w.value);
      if (merged === null || w === undefined) {
        this.failed = true;
        return a;
      }
      out.set(off, { value: merged, image: this.term(v.image, w.image) });
    }
    return out;
  }
}
