// How the term language's sorts map onto Why3 1.5's standard library. The
// stdlib has bitvector theories only for widths 8, 16, 32, 64, 128 and 256,
// and converters between those; the widths up to 128 are the ones a
// translated term may have (128: the 16-byte keys of pw_objects); bv1 (the stack's init bits) becomes `bool`, which has exactly two
// values too. Odd widths occur only inside byte concatenations, which the
// term printer flattens (whyml-terms.ts). Anything else is unsupported and
// the obligation is reported as not translatable, never approximated.
import type { Sort } from "../vc/index.js";

export const BV_WIDTHS: readonly number[] = [8, 16, 32, 64, 128];

export class Unsupported extends Error {}

export const isBvWidth = (w: number): boolean => BV_WIDTHS.includes(w);

/** The stdlib module of a width: BV64 (throws for widths it lacks). */
export function bvModule(w: number): string {
  if (!isBvWidth(w)) throw new Unsupported(`why3: no stdlib bitvector theory of width ${w}`);
  return `BV${w}`;
}

/** The stdlib converter module between two widths, as imported: C8_64. */
export function converter(small: number, big: number): string {
  bvModule(small);
  bvModule(big);
  if (small >= big) throw new Unsupported(`why3: no converter from bv${small} to bv${big}`);
  return `C${small}_${big}`;
}

/** A Why3 type; booleans are formulas and have no type here. */
export function whyType(s: Sort): string {
  switch (s.kind) {
    case "bool":
      throw new Error("internal: booleans are formulas in WhyML");
    case "bv":
      return s.width === 1 ? "bool" : `${bvModule(s.width)}.t`;
    case "array":
      return `map ${whyType({ kind: "bv", width: s.index })} ${whyType({ kind: "bv", width: s.elem })}`;
    default:
      return s satisfies never;
  }
}

/** A bitvector literal of the given width (bv1 is a bool literal). */
export function literal(value: bigint, width: number): string {
  if (width === 1) return value === 0n ? "False" : "True";
  return `(0x${value.toString(16).toUpperCase()}:${bvModule(width)}.t)`;
}

/** What a module must import, collected while its goals are printed. */
export interface Needs {
  readonly widths: Set<number>;
  readonly converters: Set<string>;
  maps: boolean;
  constMaps: boolean;
}

export const noNeeds = (): Needs => ({
  widths: new Set(),
  converters: new Set(),
  maps: false,
  constMaps: false,
});

/** The `use` lines for what a module needs, in a fixed order. */
export function imports(n: Needs): string[] {
  const lines = ["use bool.Bool"];
  if (n.maps) lines.push("use map.Map");
  if (n.constMaps) lines.push("use map.Const");
  for (const w of BV_WIDTHS) if (n.widths.has(w)) lines.push(`use bv.BV${w}`);
  for (const c of [...n.converters].sort()) lines.push(`use bv.BVConverter_${c.slice(1)} as ${c}`);
  return lines;
}
