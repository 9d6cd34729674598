// What a bpf_loop callback may write that its caller can see afterwards: bytes
// of regions the caller already had (its stack, through the callback's ctx
// argument; map values; global data), and the maps and global sections the
// callback writes through regions of its own (a map value it looked up may be
// the one the caller holds). After the loop, exactly these bytes are unknown
// to the caller (havoc) and everything else is as it was, so the caller keeps
// what the callback cannot touch: its other stack slots, its spilled pointers.
import type { Exec } from "./exec-context.js";
import type { PathState, Region } from "./sym-state.js";
import { bv, store, variable } from "./term-store.js";
import { arraySort, type Term } from "./term.js";

type Written = Set<number> | "any";

export class Footprint {
  /** caller region id -> byte offsets written (constant) or "any" */
  private readonly bytes = new Map<number, Written>();
  private readonly maps = new Set<string>();
  private readonly globals = new Set<string>();

  /** `callerRegions`: how many regions the caller had when the loop started */
  constructor(readonly callerRegions: number) {}

  /** A store of `size` bytes at `off` into `region`. */
  record(region: Region, off: Term, size: number): void {
    this.recordWrites(
      region,
      off.kind === "bv-const"
        ? Array.from({ length: size }, (_, i) => Number(off.value) + i)
        : "any",
    );
  }

  /** Writes of the given byte offsets of `region`, or of any of its bytes. */
  recordWrites(region: Region, offsets: Iterable<number> | "any"): void {
    if (region.kind === "map-value" && region.map !== undefined) this.maps.add(region.map);
    if (region.kind === "global") this.globals.add(region.name);
    if (region.id >= this.callerRegions) return;
    const known = this.bytes.get(region.id);
    if (known === "any") return;
    this.bytes.set(region.id, offsets === "any" ? "any" : new Set([...(known ?? []), ...offsets]));
  }

  /** Grows by `other` (another estimate of the same loop); true when it grew. */
  absorb(other: Footprint): boolean {
    const before = this.weight();
    for (const [id, w] of other.bytes) {
      const known = this.bytes.get(id);
      if (w === "any" || known === "any") this.bytes.set(id, "any");
      else this.bytes.set(id, new Set([...(known ?? []), ...w]));
    }
    for (const m of other.maps) this.maps.add(m);
    for (const g of other.globals) this.globals.add(g);
    return this.weight() !== before;
  }

  private weight(): number {
    let n = this.maps.size + this.globals.size;
    for (const w of this.bytes.values()) n += w === "any" ? 1_000_000 : w.size;
    return n;
  }

  /**
   * Makes the written bytes of s unknown (fresh), as after any number of
   * callback runs. Spilled pointers the callback may overwrite are forgotten;
   * init maps are left as they were (the callback may not run at all).
   * The writes count as the enclosing callback's, if s is inside one.
   */
  havoc(x: Exec, s: PathState, pc: number): void {
    s.regions.forEach((region, id) => {
      const w = this.bytes.get(id);
      const wholly =
        w === "any" ||
        (region.kind === "map-value" && region.map !== undefined && this.maps.has(region.map)) ||
        (region.kind === "global" && this.globals.has(region.name));
      if (wholly) {
        const bytes = variable(x.freshName(`havoc:${region.name}`, pc), arraySort(64, 8));
        s.regions[id] = { ...region, bytes, spills: new Map() };
        s.footprint?.recordWrites(region, "any");
      } else if (w !== undefined) {
        let bytes = region.bytes;
        for (const o of w) bytes = store(bytes, bv(BigInt(o), 64), x.fresh("havoc", pc, 8));
        const spills = new Map(
          [...region.spills].filter(([at]) => ![...w].some((o) => o >= at && o < at + 8)),
        );
        s.regions[id] = { ...region, bytes, spills };
        s.footprint?.recordWrites(region, w);
      }
    });
  }
}
