// Dominators of one function by the iterative algorithm of Cooper, Harvey and
// Kennedy ("A Simple, Fast Dominance Algorithm", 2001): process blocks in
// reverse postorder, intersecting the predecessors' dominator chains by
// walking up with postorder numbers, until nothing changes.
import { predecessors, type BlockId, type Cfg, type Func } from "./cfg.js";

export interface Dominators {
  /** immediate dominator of each block of the function; the entry maps to itself */
  readonly idom: ReadonlyMap<BlockId, BlockId>;
  readonly dominates: (a: BlockId, b: BlockId) => boolean;
}

export function dominators(cfg: Cfg, fn: Func): Dominators {
  const rpo = fn.blocks;
  const order = new Map(rpo.map((b, i) => [b, i]));
  const idom = new Map<BlockId, BlockId>([[fn.entry, fn.entry]]);
  const intersect = (a: BlockId, b: BlockId): BlockId => {
    let x = a;
    let y = b;
    while (x !== y) {
      while ((order.get(x) ?? 0) > (order.get(y) ?? 0)) x = idom.get(x) ?? fn.entry;
      while ((order.get(y) ?? 0) > (order.get(x) ?? 0)) y = idom.get(y) ?? fn.entry;
    }
    return x;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const b of rpo) {
      if (b === fn.entry) continue;
      const done = predecessors(cfg, b).filter((p) => idom.has(p) && order.has(p));
      const first = done[0];
      if (first === undefined) continue;
      const next = done.slice(1).reduce(intersect, first);
      if (idom.get(b) !== next) {
        idom.set(b, next);
        changed = true;
      }
    }
  }
  return { idom, dominates: (a, b) => dominatesBy(idom, fn.entry, a, b) };
}

function dominatesBy(
  idom: ReadonlyMap<BlockId, BlockId>,
  entry: BlockId,
  a: BlockId,
  b: BlockId,
): boolean {
  if (!idom.has(b)) return false;
  for (let x = b; ; x = idom.get(x) ?? entry) {
    if (x === a) return true;
    if (x === entry) return false;
  }
}
