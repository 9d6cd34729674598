// validateImage: every compiled policy proves valid; every corruption of an
// image that changes a decision is caught with a request on which decide()
// and the lookup model of the image really disagree.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  OP_ANCESTOR,
  PwClass,
  RULE_KEY_LAYOUT,
  encodeConfig,
  decodeConfig,
} from "../../abi/policy-records.js";
import { compilePolicy } from "../../compile/compile.js";
import type { MapEntry, MapImage } from "../../compile/image.js";
import { modelDecide, modelMaps } from "../../compile/lookup-model.js";
import {
  prng,
  randomFileRequest,
  randomPolicy,
  randomRequest,
  randomWorld,
  type Rng,
} from "../../compile/random-world.js";
import { decide } from "../../policy/decide.js";
import type { Policy } from "../../policy/model.js";
import type { Request } from "../../policy/request.js";
import { RESOURCE_KEYS } from "../../policy/schema-resources.js";
import { disposeEmbeddedZ3 } from "../smt/z3-embedded.js";
import { validateImage, type ValidationResult } from "./index.js";

test.after(() => disposeEmbeddedZ3());

const F = { dev: 1, ino: 100n };
const DIR = { dev: 1, ino: 50n };
const EXE = { dev: 1, ino: 900n };
const CG = { path: "/sys/fs/cgroup/app", id: 7n, level: 1 };

const handmade: Policy = {
  name: "handmade",
  mode: "enforce",
  defaults: Object.fromEntries(RESOURCE_KEYS.map((c) => [c, "allow"])) as Policy["defaults"],
  rules: [
    {
      id: "dir-read",
      index: 0,
      action: "deny",
      subjects: [{ identity: null, placement: null, exe: null }],
      resource: {
        kind: "files",
        targets: [{ path: "/d", key: DIR, tree: true }],
        operations: ["read"],
      },
    },
    {
      id: "owner-read",
      index: 1,
      action: "allow",
      subjects: [{ identity: { kind: "user", uid: 1000 }, placement: null, exe: null }],
      resource: {
        kind: "files",
        targets: [{ path: "/d/f", key: F, tree: false }],
        operations: ["read"],
      },
    },
    {
      id: "tool-write",
      index: 2,
      action: "audit",
      subjects: [{ identity: { kind: "group", gid: 2000 }, placement: null, exe: EXE }],
      resource: {
        kind: "files",
        targets: [{ path: "/d/f", key: F, tree: false }],
        operations: ["write"],
      },
    },
    {
      id: "file-read",
      index: 3,
      action: "deny",
      subjects: [{ identity: null, placement: null, exe: null }],
      resource: {
        kind: "files",
        targets: [{ path: "/d/f", key: F, tree: false }],
        operations: ["read"],
      },
    },
    {
      id: "app-exec",
      index: 4,
      action: "deny",
      subjects: [{ identity: null, placement: CG, exe: null }],
      resource: {
        kind: "exec",
        targets: [{ path: "/d/f", key: F, tree: false }],
        memfd: false,
        anonymousMemory: false,
      },
    },
  ],
};

const show = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}` : x));

/** Recomputes both sides on the reported request: the test trusts no part of the checker. */
function assertRealDifference(p: Policy, image: MapImage, v: ValidationResult): void {
  assert.equal(v.kind, "differs", show(v));
  if (v.kind !== "differs") return;
  const want = decide(p, v.request);
  const got = modelDecide(modelMaps(image), v.request);
  const gotId = got.rule === null ? null : (image.ruleIds[got.rule] ?? null);
  assert.notDeepEqual(
    { a: got.action, r: gotId },
    { a: want.action, r: want.ruleId },
    show(v.request),
  );
  assert.deepEqual(v.expected, { action: want.action, ruleId: want.ruleId });
}

const withRules = (img: MapImage, rules: MapEntry[]): MapImage => ({ ...img, rules });

function setScore(e: MapEntry, f: (s: bigint) => bigint): MapEntry {
  const value = Buffer.alloc(8);
  value.writeBigUInt64LE(f(e.value.readBigUInt64LE(0)));
  return { key: e.key, value };
}

const ruleOf = (e: MapEntry) => 0xffffffff - e.value.readUInt32LE(0);

test("a compiled policy proves valid", async () => {
  const v = await validateImage(handmade, compilePolicy(handmade));
  assert.equal(v.kind, "valid", show(v));
  if (v.kind === "valid") assert.ok(v.positions > 0 && v.queries > 0, show(v));
});

test("corrupted images are caught with a request that differs", async () => {
  const image = compilePolicy(handmade);
  const cases: [string, MapImage][] = [
    [
      "entry dropped",
      withRules(
        image,
        image.rules.filter((e) => ruleOf(e) !== 1),
      ),
    ],
    [
      "action flipped",
      withRules(
        image,
        image.rules.map((e) => (ruleOf(e) === 4 ? setScore(e, (s) => s & ~(3n << 32n)) : e)),
      ),
    ],
    [
      "wrong score (rank lost)",
      withRules(
        image,
        image.rules.map((e) => (ruleOf(e) === 1 ? setScore(e, (s) => s & ~(3n << 34n)) : e)),
      ),
    ],
    [
      "ancestor flag on an exact entry",
      withRules(
        image,
        image.rules.map((e) => {
          if (ruleOf(e) !== 1) return e;
          const key = Buffer.from(e.key);
          key.writeUInt8(key.readUInt8(RULE_KEY_LAYOUT.op) | OP_ANCESTOR, RULE_KEY_LAYOUT.op);
          return { key, value: e.value };
        }),
      ),
    ],
    ["object dropped", { ...image, objects: image.objects.slice(1) }],
    [
      "deny default",
      { ...image, config: encodeConfig({ ...decodeConfig(image.config), denyDefaults: 1 << 1 }) },
    ],
    [
      "audit mode",
      { ...image, config: encodeConfig({ ...decodeConfig(image.config), auditMode: true }) },
    ],
    [
      "shapes lost",
      { ...image, config: encodeConfig({ ...decodeConfig(image.config), shapes: 1 }) },
    ],
    [
      "cgroup level lost",
      { ...image, config: encodeConfig({ ...decodeConfig(image.config), cgroupLevels: 0 }) },
    ],
    ["rule ids shifted", { ...image, ruleIds: [...image.ruleIds.slice(1), "x"] }],
  ];
  for (const [name, bad] of cases) {
    const v = await validateImage(handmade, bad);
    assert.equal(v.kind, "differs", `${name}: ${show(v)}`);
    assertRealDifference(handmade, bad, v);
  }
});

test("a malformed image is refused, not proved", async () => {
  const image = compilePolicy(handmade);
  const bad = { ...image, rules: [{ key: Buffer.alloc(3), value: Buffer.alloc(8) }] };
  assert.equal((await validateImage(handmade, bad)).kind, "malformed");
});

function mutate(r: Rng, image: MapImage): MapImage {
  const i = r.int(Math.max(image.rules.length, 1));
  switch (r.int(3)) {
    case 0:
      return withRules(
        image,
        image.rules.filter((_e, j) => j !== i),
      );
    case 1:
      return withRules(
        image,
        image.rules.map((e, j) =>
          j === i ? setScore(e, (s) => s ^ (1n << BigInt(32 + r.int(10)))) : e,
        ),
      );
    default:
      return {
        ...image,
        objects: image.objects.filter((_e, j) => j !== r.int(image.objects.length)),
      };
  }
}

const POLICIES = 40;
const SAMPLES = 300;

interface RandomRun {
  readonly seed: number;
  /** policies of every class, or files and exec only (the generator's older draws) */
  readonly everyClass: boolean;
  readonly label: string;
  /** how many of the mutants must be caught, as a share of the policies */
  readonly caughtShare: number;
}

/**
 * Random policies must prove valid; a random mutant of each is caught with a
 * confirmed request, refused as malformed (a flipped action bit can name no
 * action at all), or proved equivalent, in which case no sampled request may
 * tell it apart. Mutants touch pw_rules and pw_objects only, so network
 * requests may be sampled too.
 */
async function randomPoliciesAndMutants(run: RandomRun): Promise<void> {
  const r = prng(run.seed);
  const tally = { valid: 0, caught: 0, equivalentMutants: 0 };
  for (let i = 0; i < POLICIES; i++) {
    const w = randomWorld(r);
    const p = run.everyClass ? randomPolicy(r, w, 12, true) : randomPolicy(r, w);
    const image = compilePolicy(p);
    const v = await validateImage(p, image);
    assert.equal(v.kind, "valid", `policy ${i}: ${show(v)}`);
    tally.valid++;
    if (image.rules.length === 0) continue;
    const bad = mutate(r, image);
    const m = await validateImage(p, bad);
    if (m.kind === "malformed" || m.kind === "differs") {
      if (m.kind === "differs") assertRealDifference(p, bad, m);
      tally.caught++;
      continue;
    }
    assert.equal(m.kind, "valid", `mutant ${i}: ${show(m)}`);
    const maps = modelMaps(bad);
    for (let j = 0; j < SAMPLES; j++) {
      const q: Request = run.everyClass ? randomRequest(r, w, p) : randomFileRequest(r, w);
      const got = modelDecide(maps, q);
      assert.equal(got.action, decide(p, q).action, `mutant ${i} proved valid, yet: ${show(q)}`);
    }
    tally.equivalentMutants++;
  }
  console.log(`# ${run.label}: ${show(tally)}`);
  assert.ok(tally.caught > POLICIES * run.caughtShare, show(tally));
}

test(`random policies and mutants (${POLICIES}): valid when no sampled request differs`, () =>
  randomPoliciesAndMutants({
    seed: 424242,
    everyClass: false,
    label: "policy check",
    caughtShare: 1 / 3,
  }));

const SOCK = { dev: 2, ino: 4242n };
const everyone = [{ identity: null, placement: null, exe: null }];
const ofUser = (uid: number) => [
  { identity: { kind: "user", uid } as const, placement: null, exe: null },
];

/** One or two rules per class beyond files: where the kernel decides from items and families. */
const beyondFiles: Policy = {
  ...handmade,
  name: "beyond-files",
  rules: [
    {
      id: "no-raw",
      index: 0,
      action: "deny",
      subjects: everyone,
      resource: { kind: "sockets", families: [17], types: null },
    },
    {
      id: "root-raw-dgram",
      index: 1,
      action: "allow",
      subjects: ofUser(0),
      resource: { kind: "sockets", families: [17], types: [2] },
    },
    {
      id: "no-vsock-stream",
      index: 2,
      action: "deny",
      subjects: everyone,
      resource: { kind: "sockets", families: [40], types: [1] },
    },
    {
      id: "no-docker",
      index: 3,
      action: "deny",
      subjects: everyone,
      resource: { kind: "unix", sockets: [SOCK] },
    },
    {
      id: "docker-for-root",
      index: 4,
      action: "allow",
      subjects: ofUser(0),
      resource: { kind: "unix", sockets: [SOCK] },
    },
    {
      id: "no-net-raw",
      index: 5,
      action: "deny",
      subjects: ofUser(1000),
      resource: { kind: "capabilities", caps: [13, 21] },
    },
    {
      id: "no-attach",
      index: 6,
      action: "deny",
      subjects: everyone,
      resource: { kind: "ptrace", modes: ["attach"] },
    },
    {
      id: "no-mount",
      index: 7,
      action: "deny",
      subjects: ofUser(1000),
      resource: { kind: "mount" },
    },
    {
      id: "no-modules",
      index: 8,
      action: "audit",
      subjects: everyone,
      resource: { kind: "moduleLoad" },
    },
    {
      id: "no-memfd",
      index: 9,
      action: "deny",
      subjects: everyone,
      resource: { kind: "exec", targets: [], memfd: true, anonymousMemory: false },
    },
    {
      id: "no-jit",
      index: 10,
      action: "deny",
      subjects: ofUser(1000),
      resource: { kind: "exec", targets: [], memfd: false, anonymousMemory: true },
    },
  ],
};

test("sockets, unix, capabilities, ptrace, mount, module, memfd and anonymous memory rules prove valid", async () => {
  const v = await validateImage(beyondFiles, compilePolicy(beyondFiles));
  assert.equal(v.kind, "valid", show(v));
  if (v.kind === "valid") {
    assert.deepEqual(v.notChecked, []);
    assert.ok(v.positions >= 10, show(v));
  }
});

test("corruptions of every class beyond files are caught with a request that differs", async () => {
  const image = compilePolicy(beyondFiles);
  const clsOf = (e: MapEntry) => e.key.readUInt8(RULE_KEY_LAYOUT.cls);
  const flipAction = (cls: number) =>
    withRules(
      image,
      image.rules.map((e) => (clsOf(e) === cls ? setScore(e, (s) => s & ~(3n << 32n)) : e)),
    );
  const cases: [string, MapImage][] = [
    [
      "sockets entry dropped",
      withRules(
        image,
        image.rules.filter((e) => ruleOf(e) !== 1),
      ),
    ],
    [
      "unix allow dropped",
      withRules(
        image,
        image.rules.filter((e) => ruleOf(e) !== 4),
      ),
    ],
    [
      "anonymous memory deny dropped",
      withRules(
        image,
        image.rules.filter((e) => ruleOf(e) !== 10),
      ),
    ],
    ...[
      PwClass.sockets,
      PwClass.unix,
      PwClass.capabilities,
      PwClass.ptrace,
      PwClass.mount,
      PwClass.moduleLoad,
      PwClass.exec,
    ].map((cls): [string, MapImage] => [`class ${cls} actions flipped`, flipAction(cls)]),
    [
      "typed sockets entry made untyped",
      withRules(
        image,
        image.rules.map((e) => {
          if (ruleOf(e) !== 2) return e;
          const key = Buffer.from(e.key);
          key.writeUInt8(0xff, RULE_KEY_LAYOUT.op);
          return { key, value: e.value };
        }),
      ),
    ],
  ];
  for (const [name, bad] of cases) {
    const v = await validateImage(beyondFiles, bad);
    assert.equal(v.kind, "differs", `${name}: ${show(v)}`);
    assertRealDifference(beyondFiles, bad, v);
  }
});

test("a class default that differs from the policy is refused", async () => {
  const image = compilePolicy(beyondFiles);
  const config = decodeConfig(image.config);
  const bad = {
    ...image,
    config: encodeConfig({
      ...config,
      denyDefaults: config.denyDefaults | (1 << PwClass.moduleLoad),
    }),
  };
  const v = await validateImage(beyondFiles, bad);
  assert.notEqual(v.kind, "valid", show(v));
  if (v.kind === "malformed")
    assert.match(v.reason, /moduleLoad default is deny in the maps, allow in the policy/);
  else assertRealDifference(beyondFiles, bad, v);
});

test(`random policies of every class and mutants (${POLICIES}): proved or caught`, () =>
  randomPoliciesAndMutants({
    seed: 777,
    everyClass: true,
    label: "policy check, every class",
    caughtShare: 1 / 4,
  }));
