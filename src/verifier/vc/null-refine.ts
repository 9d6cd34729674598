// A NULL test settles a pointer for the rest of the path. After
// `if (p == 0) goto out`, the fall-through knows p is not NULL, and so is
// every copy of it (the kernel's mark_ptr_or_null_regs does the same by
// register id). Copies share p's isNull term, so the path state forgets that
// term wherever it appears; later accesses then carry no NULL obligation and
// merged paths do not rebuild the question under an ite.
import type { Assume } from "../cfg/index.js";
import type { Frame, PathState, Spill, SymValue } from "./sym-state.js";
import type { Term } from "./term.js";

/** The isNull term the edge rules out: a 64-bit compare of a maybe-NULL pointer with 0. */
export function nullRuledOut(assume: Assume, dst: SymValue): Term | undefined {
  if (dst.kind !== "ptr" || dst.isNull === undefined || assume.width !== 64) return undefined;
  if (assume.src.kind !== "imm" || assume.src.value !== 0) return undefined;
  const nonNull =
    ((assume.cond === "eq" || assume.cond === "le") && !assume.taken) ||
    ((assume.cond === "ne" || assume.cond === "gt") && assume.taken);
  return nonNull ? dst.isNull : undefined;
}

/** Marks every value of s whose isNull is `isNull` as not NULL. */
export function markNotNull(s: PathState, isNull: Term): void {
  const settle = (v: SymValue): SymValue =>
    v.kind === "ptr" && v.isNull === isNull ? { ...v, isNull: undefined } : v;
  s.regs = s.regs.map(settle);
  s.frames = s.frames.map((f): Frame => ({ ...f, saved: f.saved.map(settle) }));
  s.regions = s.regions.map((r) => {
    if (![...r.spills.values()].some((sp) => sp.value !== settle(sp.value))) return r;
    const spills = new Map<number, Spill>();
    for (const [at, sp] of r.spills) spills.set(at, { ...sp, value: settle(sp.value) });
    return { ...r, spills };
  });
}
