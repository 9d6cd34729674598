import { test } from "node:test";
import assert from "node:assert/strict";
import { buildCfg } from "./build-cfg.js";
import type { Cfg } from "./cfg.js";
import { dominators } from "./dominators.js";
import { findLoops } from "./loops.js";
import { asm } from "./test-support.js";

const analyse = (source: string) => {
  const cfg = buildCfg(asm(source));
  const fn = cfg.functions[0];
  assert.ok(fn);
  const dom = dominators(cfg, fn);
  return { cfg, dom, loops: findLoops(cfg, fn, dom) };
};
const starts = (cfg: Cfg, blocks: Iterable<number>) =>
  [...blocks].map((b) => cfg.blocks[b]?.start).sort((a, b) => (a ?? 0) - (b ?? 0));

test("the join of a diamond is dominated by the branch, not by either arm", () => {
  const { cfg, dom } = analyse("jeq %r1, 0, +2\nmov %r0, 1\nja +1\nmov %r0, 2\nexit");
  const at = (pc: number) => cfg.blockAt.get(pc) ?? -1;
  assert.equal(dom.idom.get(at(4)), at(0));
  assert.equal(dom.idom.get(at(3)), at(0));
  assert.ok(dom.dominates(at(0), at(4)));
  assert.ok(!dom.dominates(at(1), at(4)));
  assert.ok(dom.dominates(at(4), at(4)));
});

test("nested loops: two heads, the inner body inside the outer one", () => {
  const { cfg, loops } = analyse(`
    mov %r0, 0
    mov %r1, 0
  outer:
    mov %r2, 0
  inner:
    add %r0, %r2
    add %r2, 1
    jlt %r2, 4, inner
    add %r1, 1
    jlt %r1, 4, outer
    exit`);
  assert.deepEqual(starts(cfg, loops.heads), [2, 3]);
  const byHead = new Map(loops.loops.map((l) => [cfg.blocks[l.head]?.start, starts(cfg, l.body)]));
  assert.deepEqual(byHead.get(3), [3]);
  assert.deepEqual(byHead.get(2), [2, 3, 6]);
  assert.deepEqual(loops.irreducible, []);
});

test("a cycle entered at two blocks is irreducible and has no natural loop", () => {
  const { cfg, loops } = analyse(`
    mov %r0, 0
    jeq %r1, 0, b
  a:
    add %r0, 1
    jgt %r0, 5, out
  b:
    add %r0, 2
    jgt %r0, 3, a
  out:
    exit`);
  assert.equal(loops.loops.length, 0);
  assert.deepEqual(
    loops.irreducible.map((e) => [cfg.blocks[e.from]?.start, cfg.blocks[e.to]?.start]),
    [[2, 4]],
  );
});
