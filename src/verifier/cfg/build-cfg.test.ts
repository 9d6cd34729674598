import { test } from "node:test";
import assert from "node:assert/strict";
import { buildCfg } from "./build-cfg.js";
import type { Cfg } from "./cfg.js";
import { asm } from "./test-support.js";

const cfgOf = (source: string): Cfg => buildCfg(asm(source));
const span = (cfg: Cfg) => cfg.blocks.map((b) => `${b.start}-${b.end}`);

test("a diamond has four blocks and assume edges carrying the condition and its negation", () => {
  const cfg = cfgOf(`
    jeq %r1, 0, other
    mov %r0, 1
    ja end
  other:
    mov %r0, 2
  end:
    exit`);
  assert.deepEqual(span(cfg), ["0-0", "1-2", "3-3", "4-4"]);
  const fromEntry = cfg.out[0] ?? [];
  assert.deepEqual(
    fromEntry.map((e) => [e.to, e.assume?.cond, e.assume?.taken]),
    [
      [2, "eq", true],
      [1, "eq", false],
    ],
  );
  assert.deepEqual(fromEntry[0]?.assume?.src, { kind: "imm", value: 0 });
  assert.deepEqual(
    cfg.edges.filter((e) => e.assume === undefined).map((e) => [e.from, e.to]),
    [
      [1, 3],
      [2, 3],
    ],
  );
  assert.deepEqual(cfg.issues, []);
  assert.deepEqual(cfg.functions[0]?.blocks, [0, 1, 2, 3], "reverse postorder");
});

test("lddw occupies two slots and the next leader follows it", () => {
  const cfg = cfgOf("lddw %r0, 0x100000000\njeq %r0, 0, +1\nmov %r0, 1\nexit");
  assert.deepEqual(span(cfg), ["0-2", "3-3", "4-4"]);
});

test("bpf-to-bpf calls split the program into functions with call sites", () => {
  const cfg = cfgOf(`
    mov %r1, 1
    call local f
    call local g
    exit
  f:
    call local g
    exit
  g:
    mov %r0, 7
    exit`);
  assert.deepEqual(
    cfg.functions.map((f) => cfg.blocks[f.entry]?.start),
    [0, 4, 6],
  );
  assert.deepEqual(
    cfg.functions.map((f) => f.calls.map((c) => `${c.pc}->${cfg.blocks[c.callee]?.start}`)),
    [["1->4", "2->6"], ["4->6"], []],
  );
  assert.deepEqual(cfg.issues, []);
});

test("bad targets, falling off the end, dead code and recursion are issues", () => {
  const codes = (source: string) => cfgOf(source).issues.map((i) => `${i.code}@${i.pc}`);
  assert.deepEqual(codes("ja +5\nexit"), ["bad-jump@0", "unreachable@1"]);
  assert.deepEqual(codes("mov %r0, 0"), ["fell-off-end@0"]);
  assert.deepEqual(codes("exit\nmov %r0, 1\nexit"), ["unreachable@1"]);
  assert.deepEqual(codes("call local f\nexit\nf:\ncall local f\nexit"), ["recursion@2"]);
  assert.deepEqual(codes("ja +1\nlddw %r0, 1\nexit"), ["bad-jump@0", "unreachable@1"]);
});
