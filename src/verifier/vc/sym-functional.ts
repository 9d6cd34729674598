// The functional model of helpers and map contents (ProgramContext.functional).
// Safety proofs treat every helper result and every lookup as fresh, which
// over-approximates everything; a functional specification must instead be
// able to name "the current task" or "the seal in pw_seal at key 0" and mean
// the value the program saw. So:
// - helpers whose result cannot change within one run of a program (the
//   current task, pid/tgid, uid/gid, cgroup id) return one named input each;
// - a lookup of key K in map M yields NULL unless present:M(K) != 0, and the
//   value's byte i is mapval:M(K, i): uninterpreted functions of the key, so
//   two lookups of one key agree. Once the path writes M (a store into one of
//   its values or an update/delete), later lookups in M are fresh again;
// - the n-th ring-buffer reservation of a path fails exactly when the input
//   ringbuf-full:M#n holds;
// - the n-th bpf_ktime_get_ns of a path returns the input clock#n;
// - get_current_ancestor_cgroup_id(level) is a function of the level;
// - bpf_probe_read_kernel(dst, n, src) fills dst with kmem8(src + i), the
//   bytes a BTF load of the same address reads (a faulting read yields
//   zeros in both cases);
// - bpf_loop runs its callback (bpf-loop.ts rewrites the call).
// The names are what spec/ refers to (spec/model-names.ts builds the same terms).
import type { Exec } from "./exec-context.js";
import { readBytes } from "./sym-memory.js";
import { addRegion, type MapInfo, type PathState, type SymValue, scalar } from "./sym-state.js";
import {
  TRUE,
  apply,
  bv,
  bvVar,
  constArray,
  eq,
  extract,
  not,
  store,
  variable,
} from "./term-store.js";
import { BOOL, bvSort, widthOf, type FunDecl, type Term } from "./term.js";

/** Helpers (by id) whose result is fixed for one run of the program. */
export const STABLE_HELPERS: ReadonlyMap<number, string> = new Map([
  [14, "get_current_pid_tgid"],
  [15, "get_current_uid_gid"],
  [80, "get_current_cgroup_id"],
  [158, "get_current_task_btf"],
]);

export const helperResultName = (helper: string): string => `helper:${helper}`;
export const clockName = (n: number): string => `clock#${n}`;

export const ancestorCgroupFn: FunDecl = {
  name: "helper:get_current_ancestor_cgroup_id",
  params: [bvSort(64)],
  result: bvSort(64),
};

/** Byte `at` of kernel memory, as both BTF loads and bpf_probe_read_kernel see it. */
export const kernelByte = (at: Term): Term =>
  apply({ name: "kmem8", params: [bvSort(64)], result: bvSort(8) }, [at]);

/** The result of the path's next bpf_ktime_get_ns, recorded in its trace. */
export function clockResult(s: PathState, pc: number): SymValue {
  const n = s.trace.filter((e) => e.kind === "clock").length;
  s.trace.push({ kind: "clock", pc });
  return scalar(bvVar(clockName(n), 64));
}
export const ringbufFullName = (map: string, n: number): string => `ringbuf-full:${map}#${n}`;

/** The result of a stable helper, or undefined for any other helper. */
export function stableResult(id: number): SymValue | undefined {
  const name = STABLE_HELPERS.get(id);
  if (name === undefined) return undefined;
  return scalar(bvVar(helperResultName(name), 64), id === 158);
}

/** Splits a key into arguments of widths Why3 has theories for (64, 32, 16, 8). */
export function keyChunks(key: Term): Term[] {
  const out: Term[] = [];
  let lo = 0;
  const width = widthOf(key);
  for (const w of [64, 32, 16, 8])
    while (width - lo >= w) {
      out.push(extract(lo + w - 1, lo, key));
      lo += w;
    }
  return out;
}

export const presentFn = (map: string, chunks: readonly Term[]): FunDecl => ({
  name: `present:${map}`,
  params: chunks.map((c) => c.sort),
  result: bvSort(8),
});

export const valueFn = (map: string, chunks: readonly Term[]): FunDecl => ({
  name: `mapval:${map}`,
  params: [...chunks.map((c) => c.sort), bvSort(64)],
  result: bvSort(8),
});

/** present:M(K) != 0 */
export function presentTerm(map: string, key: Term): Term {
  const chunks = keyChunks(key);
  return not(eq(apply(presentFn(map, chunks), chunks), bv(0n, 8)));
}

/** Byte `i` of M's value at key K. */
export function valueByte(map: string, key: Term, i: number): Term {
  const chunks = keyChunks(key);
  return apply(valueFn(map, chunks), [...chunks, bv(BigInt(i), 64)]);
}

const written = (s: PathState, map: string): boolean =>
  s.trace.some((e) => e.kind === "map-write" && e.map === map);

/** The lookup's result, or undefined when the fresh model applies (key not readable, map written). */
export function consistentLookup(
  s: PathState,
  map: MapInfo,
  keyPtr: SymValue,
  pc: number,
): SymValue | undefined {
  if (keyPtr.kind !== "ptr" || written(s, map.name) || map.keySize > 64) return undefined;
  const keyRegion = s.regions[keyPtr.region];
  if (keyRegion === undefined) return undefined;
  const key = readBytes(keyRegion, keyPtr.off, map.keySize);
  let bytes = constArray(64, bv(0n, 8));
  for (let i = 0; i < map.valueSize; i++)
    bytes = store(bytes, bv(BigInt(i), 64), valueByte(map.name, key, i));
  const region = addRegion(s, {
    tag: `map-value@${pc}#${s.regions.length}`,
    kind: "map-value",
    name: `map-value ${map.name}`,
    size: bv(BigInt(map.valueSize), 64),
    bytes,
    init: undefined,
    writable: true,
    map: map.name,
  });
  return {
    kind: "ptr",
    region: region.id,
    off: bv(0n, 64),
    isNull: not(presentTerm(map.name, key)),
  };
}

/** The n-th reservation on this path fails exactly when ringbuf-full:M#n. */
export function reserveFailure(s: PathState, map: string): Term {
  const n = s.trace.filter((e) => e.kind === "ringbuf-reserve" && e.map === map).length;
  return variable(ringbufFullName(map, n), BOOL);
}

/** Records what a helper call outputs: reservations, submits, map writes. */
export function traceHelper(
  x: Exec,
  s: PathState,
  pc: number,
  id: number,
  map: MapInfo | undefined,
): void {
  if (!x.program.functional) return;
  const r1 = s.regs[1];
  if ((id === 2 || id === 3) && map)
    s.trace.push({ kind: "map-write", map: map.name, pc, via: "helper" });
  if ((id === 132 || id === 133) && r1?.kind === "ptr") {
    const region = s.regions[r1.region];
    if (region)
      s.trace.push({
        kind: id === 132 ? "ringbuf-submit" : "ringbuf-discard",
        pc,
        region: region.id,
        bytes: region.bytes,
      });
  }
}

/** Records a reservation (after the result region exists). */
export function traceReserve(x: Exec, s: PathState, map: MapInfo | undefined, r0: SymValue): void {
  if (!x.program.functional || r0.kind !== "ptr" || !map) return;
  s.trace.push({
    kind: "ringbuf-reserve",
    map: map.name,
    region: r0.region,
    ok: r0.isNull ? not(r0.isNull) : TRUE,
  });
}
