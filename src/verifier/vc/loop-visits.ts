// Which loops a path is inside, so its visit counts describe only those.
// A path that leaves a loop forgets how often it went round it: the count
// bounds the current activation of the loop, and a stale count would keep
// two paths that left the loop after different iterations from ever being
// merged again (every later join would see them as different loop states).
// Entering a loop head from outside its body starts a fresh count, and a
// function's counts end when it returns.
import { dominators, findLoops, type BlockId, type Cfg } from "../cfg/index.js";
import type { PathState } from "./sym-state.js";

export class LoopVisits {
  /** the loop-head slots whose body holds each block */
  private readonly enclosing = new Map<BlockId, ReadonlySet<number>>();
  /** head slot -> its body's blocks */
  private readonly bodies = new Map<number, ReadonlySet<BlockId>>();
  /** the loop-head slots of each function, by the function's entry slot */
  private readonly headsOfFunction = new Map<number, readonly number[]>();
  /** the entry slot of the function that owns each block */
  private readonly functionOf = new Map<BlockId, number>();

  constructor(private readonly cfg: Cfg) {
    const enclosing = new Map<BlockId, Set<number>>();
    for (const fn of cfg.functions) {
      const entry = cfg.blocks[fn.entry]?.start ?? 0;
      const heads: number[] = [];
      for (const b of fn.blocks) this.functionOf.set(b, entry);
      for (const loop of findLoops(cfg, fn, dominators(cfg, fn)).loops) {
        const head = cfg.blocks[loop.head]?.start ?? -1;
        heads.push(head);
        this.bodies.set(head, loop.body);
        for (const b of loop.body) enclosing.set(b, (enclosing.get(b) ?? new Set()).add(head));
      }
      this.headsOfFunction.set(entry, heads);
    }
    for (const [b, heads] of enclosing) this.enclosing.set(b, heads);
  }

  get heads(): ReadonlySet<number> {
    return new Set(this.bodies.keys());
  }

  /** The path moves from block `from` to block `to` of the same function. */
  onEdge(s: PathState, from: BlockId, to: BlockId): void {
    if (s.visits.size === 0) return;
    const inside = this.enclosing.get(to);
    for (const head of this.enclosing.get(from) ?? [])
      if (!inside?.has(head)) s.visits.delete(head);
    const toStart = this.cfg.blocks[to]?.start ?? -1;
    if (this.bodies.has(toStart) && !this.bodies.get(toStart)?.has(from)) s.visits.delete(toStart);
  }

  /** The function that owns block `b` returns. */
  onReturn(s: PathState, b: BlockId): void {
    if (s.visits.size === 0) return;
    const fn = this.functionOf.get(b);
    for (const head of fn === undefined ? [] : (this.headsOfFunction.get(fn) ?? []))
      s.visits.delete(head);
  }
}
