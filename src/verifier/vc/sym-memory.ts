// Loads and stores through symbolic pointers. Every access first emits its
// obligations (the pointer is a non-null pointer into a region, the bytes are
// in bounds, stack bytes read were written, the region is writable), then
// reads or updates the region's byte array. Trusted kernel pointers (from an
// LSM/tracing context) are read through uninterpreted functions, as the
// kernel turns a faulting BTF load into 0 instead of a crash.
import type { MemSize } from "../isa/index.js";
import { widen } from "./alu-terms.js";
import { written, writtenOnEveryBranch } from "./init-map.js";
import type { Exec } from "./exec-context.js";
import {
  regionOf,
  scalar,
  type PathState,
  type Region,
  type Spill,
  type SymValue,
} from "./sym-state.js";
import {
  FALSE,
  add,
  and,
  apply,
  bv,
  concat,
  eq,
  extract,
  not,
  select,
  store,
  sub,
  ule,
} from "./term-store.js";
import { bvSort, type Term } from "./term.js";

const BOUNDS_KIND = { stack: "stack-bounds", ctx: "ctx-bounds" } as const;

/** off + n <= size without wrap-around, linear in off. */
export const inBounds = (off: Term, n: Term, size: Term): Term =>
  and(ule(n, size), ule(off, sub(size, n)));

const offsetOf = (base: Term, delta: number): Term => add(base, bv(BigInt(delta), 64));

/** Checks an access of `size` bytes at ptr+delta; returns the region and offset when it is a region pointer. */
export function checkAccess(
  x: Exec,
  s: PathState,
  pc: number,
  ptr: SymValue,
  delta: number,
  size: Term,
  write: boolean,
): { region: Region; off: Term } | undefined {
  if (ptr.kind !== "ptr") {
    if (ptr.kind === "scalar" && ptr.kernelPtr && !write) return undefined;
    const what =
      ptr.kind === "scalar"
        ? "a scalar"
        : ptr.kind === "map"
          ? "a map pointer"
          : ptr.kind === "func"
            ? "a function pointer"
            : "an unwritten register";
    x.check(s, "bad-pointer", pc, FALSE, `memory access through ${what}`);
    return undefined;
  }
  const region = regionOf(s, ptr.region);
  if (ptr.isNull) x.check(s, "null-check", pc, not(ptr.isNull), `${region.name} may be NULL here`);
  const off = offsetOf(ptr.off, delta);
  const kind =
    region.kind === "stack" || region.kind === "ctx" ? BOUNDS_KIND[region.kind] : "mem-bounds";
  x.check(s, kind, pc, inBounds(off, size, region.size), `access outside ${region.name}`);
  // The kernel types an LSM context by argument slot (btf_ctx_access): an access
  // between slots is refused, and a value read across two slots is no pointer.
  if (region.kind === "ctx" && x.program.kind === "lsm")
    x.check(
      s,
      "ctx-bounds",
      pc,
      eq(extract(2, 0, off), bv(0n, 3)),
      `context access off an 8-byte slot`,
    );
  if (write && !region.writable)
    x.check(s, "ctx-write", pc, FALSE, `store to read-only ${region.name}`);
  return { region, off };
}

/** Little-endian read of n bytes: byte i of the value is bytes[off + i]. */
export function readBytes(r: Region, off: Term, n: number): Term {
  let v = select(r.bytes, off);
  for (let i = 1; i < n; i++) v = concat(select(r.bytes, offsetOf(off, i)), v);
  return v;
}

export function load(
  x: Exec,
  s: PathState,
  pc: number,
  ptr: SymValue,
  delta: number,
  size: MemSize,
): SymValue {
  const at = checkAccess(x, s, pc, ptr, delta, bv(BigInt(size), 64), false);
  if (at === undefined) return kernelLoad(x, s, pc, ptr, delta, size);
  const { region, off } = at;
  checkWritten(x, s, pc, region, off, size, "read of unwritten stack bytes");
  const spilled =
    off.kind === "bv-const" && size === 8 ? region.spills.get(Number(off.value)) : undefined;
  if (spilled) return reloadSpill(x, s, pc, region, off, spilled);
  const kernelPtr = region.kind === "ctx" && size === 8 && x.program.kind === "lsm";
  return scalar(widen(readBytes(region, off, size)), kernelPtr);
}

/** n bytes at off were written (stacks; other regions have no init array). */
export function checkWritten(
  x: Exec,
  s: PathState,
  pc: number,
  region: Region,
  off: Term,
  n: number,
  message: string,
): void {
  const init = region.init;
  if (!init) return;
  const bytes = Array.from({ length: n }, (_, i) => offsetOf(off, i));
  const goal = {
    safe: and(...bytes.map((at) => written(init, at))),
    strong: and(...bytes.map((at) => writtenOnEveryBranch(init, at))),
  };
  x.checkWithStrong(s, "stack-init", pc, goal, message);
}

/**
 * The spilled pointer, once its bytes are shown to still hold what the spill
 * wrote (a store at a variable offset since then must have missed the slot).
 * Usually the read folds to the image and no obligation is left.
 */
function reloadSpill(
  x: Exec,
  s: PathState,
  pc: number,
  region: Region,
  off: Term,
  spill: Spill,
): SymValue {
  x.check(
    s,
    "bad-pointer",
    pc,
    eq(readBytes(region, off, 8), spill.image),
    `a pointer spilled at ${region.name}[${off.kind === "bv-const" ? off.value : "?"}] may have been overwritten by a store at a variable offset`,
  );
  return spill.value;
}

function kernelLoad(
  x: Exec,
  s: PathState,
  pc: number,
  ptr: SymValue,
  delta: number,
  size: MemSize,
): SymValue {
  if (ptr.kind !== "scalar") return scalar(x.fresh("junk", pc, 64));
  const fn = { name: `kmem${size * 8}`, params: [bvSort(64)], result: bvSort(size * 8) };
  return scalar(widen(apply(fn, [offsetOf(ptr.v, delta)])), size === 8);
}

/** Stores the low `size` bytes of value; a pointer stored whole to a constant slot is remembered. */
export function storeValue(
  x: Exec,
  s: PathState,
  pc: number,
  ptr: SymValue,
  delta: number,
  size: MemSize,
  value: SymValue,
  numeric: Term,
): void {
  const at = checkAccess(x, s, pc, ptr, delta, bv(BigInt(size), 64), true);
  if (at === undefined) return;
  const { region, off } = at;
  let bytes = region.bytes;
  let init = region.init;
  for (let i = 0; i < size; i++) {
    bytes = store(bytes, offsetOf(off, i), extract(8 * i + 7, 8 * i, numeric));
    if (init) init = store(init, offsetOf(off, i), bv(1n, 1));
  }
  const spills = updateSpills(region, off, size, value, numeric);
  s.regions[region.id] = { ...region, bytes, init, spills };
  s.footprint?.record(region, off, size);
  traceWrite(x, s, pc, region);
}

/** Under the functional model, a store into a map value or global data is a map write. */
function traceWrite(x: Exec, s: PathState, pc: number, region: Region): void {
  if (!x.program.functional || (region.kind !== "map-value" && region.kind !== "global")) return;
  s.trace.push({ kind: "map-write", map: region.map ?? region.name, pc, via: "store" });
}

function updateSpills(
  r: Region,
  off: Term,
  size: number,
  value: SymValue,
  image: Term,
): ReadonlyMap<number, Spill> {
  if (r.kind !== "stack") return r.spills;
  // A store at a variable offset keeps every spill: reloadSpill checks it missed.
  if (off.kind !== "bv-const") return r.spills;
  const kept = spillsOutside(r.spills, Number(off.value), size);
  const keep =
    size === 8 &&
    (value.kind === "ptr" ||
      value.kind === "map" ||
      value.kind === "func" ||
      (value.kind === "scalar" && value.kernelPtr));
  if (keep) kept.set(Number(off.value), { value, image });
  return kept;
}

/** The spills that no byte of [at, at + size) touches. */
function spillsOutside(
  spills: ReadonlyMap<number, Spill>,
  at: number,
  size: number,
): Map<number, Spill> {
  return new Map([...spills].filter(([o]) => o + 8 <= at || o >= at + size));
}

/** Fills n bytes at off with fresh contents (helpers writing into a buffer). */
export function clobber(
  x: Exec,
  s: PathState,
  pc: number,
  region: Region,
  off: Term,
  n: number,
): void {
  let bytes = region.bytes;
  let init = region.init;
  // The byte's index is in its name: spec/canonical-inputs.ts tells a
  // buffer's bytes apart by name alone.
  for (let i = 0; i < n; i++) {
    bytes = store(bytes, offsetOf(off, i), x.fresh(`out[${i}]`, pc, 8));
    if (init) init = store(init, offsetOf(off, i), bv(1n, 1));
  }
  const spills =
    off.kind === "bv-const" ? spillsOutside(region.spills, Number(off.value), n) : region.spills;
  s.regions[region.id] = { ...region, bytes, init, spills };
  s.footprint?.record(region, off, n);
  traceWrite(x, s, pc, region);
}
