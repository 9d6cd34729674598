// The program's inputs as a specification names them. Every function here
// builds the very terms the symbolic executor builds for the same input
// (the context array, kmemN applications, the functional model's helper
// results and map contents), so a spec and a path talk about one value.
import {
  add,
  apply,
  bv,
  bvSort,
  bvVar,
  concat,
  helperResultName,
  ringbufFullName,
  ancestorCgroupFn,
  clockName,
  kernelByte,
  BOOL,
  presentTerm,
  select,
  valueByte,
  variable,
  arraySort,
  type Term,
} from "../vc/index.js";
import type { Field, Layout } from "./layout.js";

const CTX = variable("ctx", arraySort(64, 8));

/** Little-endian bytes [off, off + n) of the read-only context. */
export function ctxBytes(off: number, n: number): Term {
  let v = select(CTX, bv(BigInt(off), 64));
  for (let i = 1; i < n; i++) v = concat(select(CTX, bv(BigInt(off + i), 64)), v);
  return v;
}

/** Argument `slot` of a BPF_PROG context (8 bytes each), its low `bytes` bytes. */
export const ctxArg = (slot: number, bytes = 8): Term => ctxBytes(slot * 8, bytes);

/** What a helper that cannot change within a run returned (get_current_task_btf, ...). */
export const helperResult = (name: string): Term => bvVar(helperResultName(name), 64);

/** A load of `field` through the kernel pointer `ptr`: kmemN(ptr + offset). */
export function kernelLoad(ptr: Term, field: Field): Term {
  const width = field.size * 8;
  const fn = { name: `kmem${width}`, params: [bvSort(64)], result: bvSort(width) };
  return apply(fn, [add(ptr, bv(BigInt(field.offset), 64))]);
}

/** Follows kernel pointers: `struct.a.b` then each further `struct.field` in turn. */
export function kernelPath(
  layout: Layout,
  ptr: Term,
  steps: readonly (readonly [string, string])[],
): Term {
  return steps.reduce((p, [struct, path]) => kernelLoad(p, layout.field(struct, path)), ptr);
}

/** The map has an entry at `key` (the key's width is the map's key size). */
export const mapPresent = (map: string, key: Term): Term => presentTerm(map, key);

/** Bytes of `field` in the map's value at `key`, little-endian. */
export function mapField(map: string, key: Term, field: Field): Term {
  let v = valueByte(map, key, field.offset);
  for (let i = 1; i < field.size; i++) v = concat(valueByte(map, key, field.offset + i), v);
  return v;
}

/** The n-th ring-buffer reservation of the run found the buffer full. */
export const ringbufFull = (map: string, n: number): Term =>
  variable(ringbufFullName(map, n), BOOL);

/** What the path's n-th bpf_ktime_get_ns returned. */
export const clock = (n: number): Term => bvVar(clockName(n), 64);

/** get_current_ancestor_cgroup_id(level). */
export const cgroupAncestor = (level: number): Term =>
  apply(ancestorCgroupFn, [bv(BigInt(level), 64)]);

/** n bytes of kernel memory at addr as bpf_probe_read_kernel copies them, little-endian. */
export function kernelRead(addr: Term, n: number): Term {
  let v = kernelByte(addr);
  for (let i = 1; i < n; i++) v = concat(kernelByte(add(addr, bv(BigInt(i), 64))), v);
  return v;
}

/** n bytes at off of a global data section (.rodata: what the loader set). */
export function globalBytes(section: string, off: number, n: number): Term {
  const bytes = variable(`bytes:global:${section}`, arraySort(64, 8));
  let v = select(bytes, bv(BigInt(off), 64));
  for (let i = 1; i < n; i++) v = concat(select(bytes, bv(BigInt(off + i), 64)), v);
  return v;
}
