// Symbolic machine state of one path. Registers hold SymValues: scalars are
// 64-bit terms; pointers keep their region and a symbolic offset, so bounds
// obligations are linear in the offset. Each region has a symbolic base
// address (used only when a pointer is compared or stored as a number), its
// bytes as an array bv64 -> bv8 and, for stacks, an init array bv64 -> bv1.
import { add, and, bv, bvVar, ite, ule } from "./term-store.js";
import type { Term } from "./term.js";
import { assertNever } from "../isa/index.js";
import type { TraceEvent } from "./trace.js";
import type { Footprint } from "./footprint.js";

export type RegionKind = "stack" | "ctx" | "map-value" | "ringbuf" | "global";

export interface MapInfo {
  readonly name: string;
  readonly kind: "hash" | "array" | "ringbuf" | "other";
  readonly keySize: number;
  readonly valueSize: number;
}

export interface Region {
  readonly id: number;
  readonly kind: RegionKind;
  readonly name: string;
  readonly size: Term;
  readonly base: Term;
  readonly bytes: Term;
  readonly init: Term | undefined;
  readonly writable: boolean;
  /** pointers spilled to constant 8-byte slots, by offset (stacks only) */
  readonly spills: ReadonlyMap<number, Spill>;
  /** the map a map-value region was looked up in (or the ring buffer of a record) */
  readonly map?: string;
}

export type SymValue =
  | { readonly kind: "uninit" }
  /** kernelPtr: a trusted kernel (BTF) pointer the program may load through */
  | { readonly kind: "scalar"; readonly v: Term; readonly kernelPtr: boolean }
  /** isNull: set for helper results that may be NULL until checked */
  | {
      readonly kind: "ptr";
      readonly region: number;
      readonly off: Term;
      readonly isNull: Term | undefined;
    }
  | { readonly kind: "map"; readonly map: MapInfo }
  /** a subprogram's address (lddw src=func), e.g. a bpf_loop callback */
  | { readonly kind: "func"; readonly entry: number };

/**
 * A pointer spilled to the stack, with the 64-bit image its bytes got. A store
 * at a variable offset keeps the spill: reloading it checks that the bytes
 * still hold the image, which the index's bounds usually prove.
 */
export interface Spill {
  readonly value: SymValue;
  readonly image: Term;
}

export interface Frame {
  readonly returnPc: number;
  /** r6..r10 of the caller */
  readonly saved: readonly SymValue[];
  /** a bpf_loop callback's frame: its exit ends the path; the trace length at its call */
  readonly callback?: { readonly traceAt: number };
  /** how many path conjuncts the caller had at the call */
  readonly pathAtCall?: number;
}

export interface PathState {
  regs: SymValue[];
  regions: Region[];
  frames: Frame[];
  /** conjuncts of the path condition */
  path: Term[];
  /** loop-head slot -> entries on this path */
  visits: Map<number, number>;
  /** global data section -> region id */
  globals: Map<string, number>;
  /** outputs of the path, recorded only under the functional model */
  trace: TraceEvent[];
  /** inside a bpf_loop callback: where it writes what its caller can see */
  footprint?: Footprint;
}

export const UNINIT: SymValue = { kind: "uninit" };
export const scalar = (v: Term, kernelPtr = false): SymValue => ({ kind: "scalar", v, kernelPtr });

export function fork(s: PathState): PathState {
  return {
    regs: [...s.regs],
    regions: [...s.regions],
    frames: [...s.frames],
    path: [...s.path],
    visits: new Map(s.visits),
    globals: new Map(s.globals),
    trace: [...s.trace],
    ...(s.footprint ? { footprint: s.footprint } : {}),
  };
}

/** Adds a region; its base is placed so that base + any 32-bit offset neither wraps nor hits 0. */
export function addRegion(
  s: PathState,
  spec: Omit<Region, "id" | "base" | "spills"> & { readonly tag: string },
): Region {
  const { tag, ...rest } = spec;
  const base = bvVar(`base:${tag}`, 64);
  const region: Region = { ...rest, id: s.regions.length, base, spills: new Map() };
  s.regions.push(region);
  s.path.push(and(ule(bv(1n << 32n, 64), base), ule(base, bv((1n << 64n) - (1n << 33n), 64))));
  return region;
}

export function regionOf(s: PathState, id: number): Region {
  const r = s.regions[id];
  if (r === undefined) throw new Error(`internal: no region ${id}`);
  return r;
}

/** The 64-bit number a value stands for when used as a scalar. */
export function valueTerm(s: PathState, v: SymValue, fresh: () => Term): Term {
  switch (v.kind) {
    case "scalar":
      return v.v;
    case "ptr": {
      const addr = add(regionOf(s, v.region).base, v.off);
      return v.isNull ? ite(v.isNull, bv(0n, 64), addr) : addr;
    }
    case "map":
      return bvVar(`map:${v.map.name}`, 64);
    case "func":
      return bvVar(`func:${v.entry}`, 64);
    case "uninit":
      return fresh();
    default:
      return assertNever(v);
  }
}
