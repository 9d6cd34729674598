// Read-only data as a loader freezes it: libbpf lets the loader set `const
// volatile` variables in .rodata before load, then freezes the map, and the
// kernel verifier reads frozen data as constants, so a branch on such a
// variable is decided at load time (Proofwall's enforce_file picks the
// argument layout of inode_setattr that way). Verifying with the frozen bytes
// is verifying the program the kernel sees under those settings.
import type { DataSection, ObjectSpec } from "./spec.js";

/** The section's bytes with each named variable it holds set (little-endian). */
export function frozenBytes(section: DataSection, values: ReadonlyMap<string, bigint>): Uint8Array {
  const out = new Uint8Array(section.size);
  out.set(section.bytes.subarray(0, section.size));
  for (const v of section.variables) {
    const value = values.get(v.name);
    if (value === undefined) continue;
    let rest = BigInt.asUintN(8 * v.size, value);
    for (let i = 0; i < v.size; i++, rest >>= 8n) out[v.offset + i] = Number(rest & 0xffn);
  }
  return out;
}

/** Problems with the settings for this object: a name no read-only section holds, or a value too wide. */
export function rodataIssues(obj: ObjectSpec, values: ReadonlyMap<string, bigint>): string[] {
  const vars = new Map(
    obj.dataSections.filter((s) => s.readonly).flatMap((s) => s.variables.map((v) => [v.name, v])),
  );
  return [...values].flatMap(([name, value]) => {
    const v = vars.get(name);
    if (v === undefined)
      return [`--rodata ${name}: ${obj.fileName} has no read-only variable of that name`];
    const bits = BigInt(8 * v.size);
    const fits = value >= -(1n << (bits - 1n)) && value < 1n << bits;
    return fits ? [] : [`--rodata ${name}=${value}: does not fit its ${v.size} bytes`];
  });
}
