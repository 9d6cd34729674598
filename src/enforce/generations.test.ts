import { test } from "node:test";
import assert from "node:assert/strict";
import { GEN_OFFSET } from "../abi/policy-records.js";
import type { MapImage } from "../compile/image.js";
import type { BpfMap } from "../kernel/index.js";
import { Generations, type PolicyMapSet } from "./generations.js";

/** A hash map in memory with the BpfMap calls Generations makes, counting full walks. */
class FakeMap {
  readonly entries = new Map<string, Buffer>();
  walks = 0;
  failBatchAfter = Infinity;

  update(key: Uint8Array, value: Uint8Array): void {
    this.entries.set(Buffer.from(key).toString("hex"), Buffer.from(value));
  }
  updateBatch(entries: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): void {
    for (const [k, v] of entries) {
      if (this.failBatchAfter-- <= 0) throw new Error("ENOSPC");
      this.update(k, v);
    }
  }
  lookup(key: Uint8Array): Buffer | null {
    return this.entries.get(Buffer.from(key).toString("hex")) ?? null;
  }
  delete(key: Uint8Array): boolean {
    return this.entries.delete(Buffer.from(key).toString("hex"));
  }
  *keys(): Generator<Buffer> {
    this.walks++;
    for (const k of this.entries.keys()) yield Buffer.from(k, "hex");
  }
  /** Keys whose generation byte at `offset` is `gen`. */
  count(offset: number, gen: number): number {
    return [...this.entries.keys()].filter((k) => Buffer.from(k, "hex")[offset] === gen).length;
  }
}

function fakeMaps() {
  const f = {
    control: new FakeMap(),
    config: new FakeMap(),
    objects: new FakeMap(),
    rules: new FakeMap(),
    net: new FakeMap(),
  };
  return { fakes: f, maps: f as unknown as PolicyMapSet & Record<string, BpfMap> };
}

/** An image of `n` entries per map whose keys are distinct per `seed` (every gen offset is past byte 3). */
function image(n: number, seed: number): MapImage {
  const entries = () =>
    Array.from({ length: n }, (_, i) => {
      const key = Buffer.alloc(24);
      key.writeUInt32LE(seed * 1000 + i, 0);
      return { key, value: Buffer.from([seed]) };
    });
  return {
    policy: `p${seed}`,
    config: Buffer.from([seed]),
    objects: entries(),
    rules: entries(),
    net: entries(),
    ruleIds: [],
  };
}

test("switching writes the inactive generation, clears only it, and counts without walking", () => {
  const { fakes, maps } = fakeMaps();
  const g = new Generations(maps);
  assert.equal(g.switchTo(image(3, 1)), 1);
  assert.equal(g.switchTo(image(5, 2)), 0);
  assert.equal(g.active, 0);
  const walks = fakes.rules.walks;
  assert.deepEqual(g.entries(1), { objects: 3, rules: 3, net: 3 });
  assert.deepEqual(g.entries(0), { objects: 5, rules: 5, net: 5 });
  // A third policy replaces generation 1 and leaves 0, the one in force, whole.
  assert.equal(g.switchTo(image(2, 3)), 1);
  assert.equal(fakes.rules.count(GEN_OFFSET.rules, 0), 5);
  assert.equal(fakes.rules.count(GEN_OFFSET.rules, 1), 2);
  assert.deepEqual(g.entries(1), { objects: 2, rules: 2, net: 2 });
  assert.equal(fakes.rules.walks, walks, "no walk once the keys are known");
});

test("maps an earlier agent wrote are walked once, then counted from memory", () => {
  const { fakes, maps } = fakeMaps();
  new Generations(maps).switchTo(image(4, 1));
  const before = fakes.rules.walks;
  const adopter = new Generations(maps);
  assert.deepEqual(adopter.entries(1), { objects: 4, rules: 4, net: 4 });
  assert.deepEqual(adopter.entries(0), { objects: 0, rules: 0, net: 0 });
  assert.equal(fakes.rules.walks, before + 1);
  assert.equal(adopter.switchTo(image(1, 2)), 0);
  assert.equal(adopter.switchTo(image(1, 3)), 1, "generation 1 cleared by the keys walked");
  assert.equal(fakes.rules.count(GEN_OFFSET.rules, 1), 1);
  assert.equal(fakes.rules.walks, before + 1);
});

test("a failed write leaves the generation in force and takes the partial one out", () => {
  const { fakes, maps } = fakeMaps();
  const g = new Generations(maps);
  g.switchTo(image(3, 1));
  fakes.rules.failBatchAfter = 2;
  assert.throws(() => g.switchTo(image(6, 2)), /ENOSPC/);
  assert.equal(g.active, 1);
  assert.equal(fakes.rules.count(GEN_OFFSET.rules, 0), 0);
  assert.equal(fakes.objects.count(GEN_OFFSET.objects, 0), 0);
  assert.deepEqual(g.entries(0), { objects: 0, rules: 0, net: 0 });
  assert.deepEqual(g.entries(1), { objects: 3, rules: 3, net: 3 });
});
