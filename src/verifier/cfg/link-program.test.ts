// The CFG over real clang-19 output, linked from object/'s ObjectSpec: the
// project's objects and the fixtures of test-data/vc (loops and a call).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { readObject } from "../object/index.js";
import { buildCfg } from "./build-cfg.js";
import type { Cfg } from "./cfg.js";
import { dominators } from "./dominators.js";
import { linkProgram, type LinkedProgram } from "./link-program.js";
import { findLoops } from "./loops.js";
import { compileFixtures, repoRoot, vcFixtureObjects } from "./test-support.js";

function projectObjects(): string[] {
  return ["build/bpf", "build/bpf/test-data"].flatMap((sub) => {
    const dir = join(repoRoot, sub);
    return readdirSync(dir)
      .filter((f) => f.endsWith(".bpf.o"))
      .map((f) => join(dir, f));
  });
}

function linkedPrograms(path: string): LinkedProgram[] {
  const obj = readObject(readFileSync(path), basename(path));
  assert.equal(obj.kind, "ok", path);
  if (obj.kind !== "ok") return [];
  return obj.value.programs.map((p) => linkProgram(obj.value, p));
}

function checkInvariants(cfg: Cfg, slots: number[]): void {
  assert.deepEqual(
    cfg.blocks.flatMap((b) => b.insns.map((p) => p.pc)),
    slots,
    "blocks partition the instructions in order",
  );
  for (const e of cfg.edges) {
    const last = cfg.blocks[e.from]?.insns.at(-1)?.insn;
    assert.equal(e.assume !== undefined, last?.kind === "jump", "assume exactly on jump edges");
  }
  for (const fn of cfg.functions) {
    const dom = dominators(cfg, fn);
    for (const b of fn.blocks) assert.ok(dom.dominates(fn.entry, b), "the entry dominates all");
    assert.deepEqual(findLoops(cfg, fn, dom).irreducible, [], "clang emits reducible code");
  }
}

const loopHeads = (cfg: Cfg) =>
  cfg.functions.map((fn) => findLoops(cfg, fn, dominators(cfg, fn)).heads.size);

test("CFGs of compiled objects: blocks, functions, dominators and loops", () => {
  const objects = [
    ...projectObjects(),
    ...vcFixtureObjects(),
    ...compileFixtures("test-data", "v4"),
  ];
  let programs = 0;
  let blocks = 0;
  for (const path of objects) {
    for (const p of linkedPrograms(path)) {
      assert.deepEqual(p.issues, []);
      const cfg = buildCfg(p.insns);
      assert.deepEqual(cfg.issues, [], `${path} ${p.name}`);
      checkInvariants(
        cfg,
        p.insns.map((i) => i.pc),
      );
      programs++;
      blocks += cfg.blocks.length;
    }
  }
  console.log(`cfg: ${objects.length} objects, ${programs} programs, ${blocks} blocks`);
  assert.ok(programs >= 6);
});

test("the loop fixture links its subprogram: two functions, loop heads 2 and 1", () => {
  const obj = vcFixtureObjects().find((o) => o.endsWith("loops.bpf.o"));
  assert.ok(obj);
  const [prog] = linkedPrograms(obj);
  assert.ok(prog);
  const cfg = buildCfg(prog.insns);
  assert.deepEqual(cfg.issues, []);
  assert.equal(cfg.functions.length, 2);
  assert.deepEqual(
    cfg.functions[0]?.calls.map((c) => c.pc),
    [1],
  );
  assert.deepEqual(loopHeads(cfg), [2, 1]);
});

test("file_guard: map lddws are kept as relocation targets", () => {
  const [prog] = linkedPrograms(join(repoRoot, "build", "bpf", "file_guard.bpf.o"));
  assert.ok(prog);
  const maps = [...prog.lddwTargets.values()].flatMap((t) => (t.kind === "map" ? [t.map] : []));
  assert.ok(maps.includes("pw_protected_files") && maps.includes("pw_events"), maps.join());
  assert.deepEqual(loopHeads(buildCfg(prog.insns)), [0]);
});
