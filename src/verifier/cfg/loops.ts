// Natural loops and irreducibility of one function. A back edge goes to a
// block that dominates its source; its natural loop is the head plus every
// block that reaches the source without passing the head. A retreating edge
// of a DFS (one into a block still on the DFS stack) that is not a back edge
// proves the function irreducible: such a cycle has two entries.
import { predecessors, type BlockId, type Cfg, type Edge, type Func } from "./cfg.js";
import type { Dominators } from "./dominators.js";

export interface Loop {
  readonly head: BlockId;
  readonly body: ReadonlySet<BlockId>;
  readonly backEdges: readonly Edge[];
}

export interface LoopInfo {
  readonly loops: readonly Loop[];
  readonly heads: ReadonlySet<BlockId>;
  /** retreating edges whose target does not dominate their source */
  readonly irreducible: readonly Edge[];
}

export function findLoops(cfg: Cfg, fn: Func, dom: Dominators): LoopInfo {
  const inFn = new Set(fn.blocks);
  const back = fn.blocks.flatMap((b) =>
    (cfg.out[b] ?? []).filter((e) => dom.dominates(e.to, e.from)),
  );
  const byHead = new Map<BlockId, Edge[]>();
  for (const e of back) byHead.set(e.to, [...(byHead.get(e.to) ?? []), e]);
  const loops = [...byHead].map(([head, edges]) => ({
    head,
    body: loopBody(cfg, head, edges, inFn),
    backEdges: edges,
  }));
  const irreducible = retreatingEdges(cfg, fn).filter((e) => !dom.dominates(e.to, e.from));
  return { loops, heads: new Set(byHead.keys()), irreducible };
}

function loopBody(
  cfg: Cfg,
  head: BlockId,
  edges: readonly Edge[],
  inFn: ReadonlySet<BlockId>,
): Set<BlockId> {
  const body = new Set<BlockId>([head]);
  const work = edges.map((e) => e.from);
  for (let b = work.pop(); b !== undefined; b = work.pop()) {
    if (body.has(b) || !inFn.has(b)) continue;
    body.add(b);
    work.push(...predecessors(cfg, b));
  }
  return body;
}

/** Edges into a block on the DFS stack, found by an iterative DFS from the entry. */
function retreatingEdges(cfg: Cfg, fn: Func): Edge[] {
  const found: Edge[] = [];
  const onStack = new Set<BlockId>([fn.entry]);
  const seen = new Set<BlockId>([fn.entry]);
  const stack: { block: BlockId; next: number }[] = [{ block: fn.entry, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { block: BlockId; next: number };
    const edge = (cfg.out[top.block] ?? [])[top.next++];
    if (edge === undefined) {
      onStack.delete(top.block);
      stack.pop();
    } else if (onStack.has(edge.to)) {
      found.push(edge);
    } else if (!seen.has(edge.to)) {
      seen.add(edge.to);
      onStack.add(edge.to);
      stack.push({ block: edge.to, next: 0 });
    }
  }
  return found;
}
