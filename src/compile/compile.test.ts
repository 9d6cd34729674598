// The differential test: compile random policies, decide random requests with
// the model of the kernel's lookups (reading only the image's bytes), and
// compare every answer with decide(). Plus determinism and shape checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decide } from "../policy/decide.js";
import { compilePolicy } from "./compile.js";
import { imageToJson } from "./image.js";
import { modelDecide, modelMaps } from "./lookup-model.js";
import { prng, randomPolicy, randomRequest, randomWorld } from "./random-world.js";
import { decodeConfig } from "../abi/policy-records.js";
import type { Policy } from "../policy/model.js";
import { RESOURCE_KEYS } from "../policy/schema-resources.js";

const POLICIES = 2000;
const REQUESTS_PER_POLICY = 20;

test(`the compiled maps agree with decide() (${POLICIES} policies x ${REQUESTS_PER_POLICY} requests)`, () => {
  const r = prng(20240611);
  let agreed = 0;
  let byRule = 0;
  const perClass = new Map<string, { all: number; byRule: number }>();
  const icmp = { all: 0, byRule: 0 };
  for (let i = 0; i < POLICIES; i++) {
    const w = randomWorld(r);
    const p = randomPolicy(r, w, 12, true);
    const maps = modelMaps(compilePolicy(p));
    for (let j = 0; j < REQUESTS_PER_POLICY; j++) {
      const q = randomRequest(r, w, p);
      const want = decide(p, q);
      const got = modelDecide(maps, q);
      const gotId = got.rule === null ? null : (p.rules[got.rule]?.id ?? `#${got.rule}`);
      assert.deepEqual(
        { action: got.action, ruleId: gotId },
        { action: want.action, ruleId: want.ruleId },
        `policy ${i} request ${j}: ${JSON.stringify(q, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v))}`,
      );
      agreed++;
      if (want.ruleId !== null) byRule++;
      if ((q.kind === "connect" || q.kind === "sendmsg") && q.protocol === "icmp") {
        icmp.all++;
        if (want.ruleId !== null) icmp.byRule++;
      }
      const c = perClass.get(want.reason.class) ?? { all: 0, byRule: 0 };
      perClass.set(want.reason.class, {
        all: c.all + 1,
        byRule: c.byRule + (want.ruleId === null ? 0 : 1),
      });
    }
  }
  // Many decisions of every class must come from rules, or the test proves little.
  const stats = JSON.stringify(Object.fromEntries(perClass));
  // exec requests are few (15% of file-like ones) and exec rules fewer: a lower bar.
  const bars = {
    files: 8,
    exec: 20,
    network: 8,
    sockets: 8,
    unix: 8,
    capabilities: 8,
    ptrace: 8,
    mount: 8,
    moduleLoad: 8,
  };
  for (const [cls, bar] of Object.entries(bars)) {
    const c = perClass.get(cls) ?? { all: 0, byRule: 0 };
    assert.ok(c.byRule > c.all / bar, `${cls}: too few decided by a rule: ${stats}`);
  }
  assert.ok(icmp.byRule > icmp.all / 8, `icmp: too few decided by a rule: ${JSON.stringify(icmp)}`);
  console.log(
    `# compiled maps agree with decide(): ${agreed} requests, ${byRule} decided by a rule ${stats}; icmp ${JSON.stringify(icmp)}`,
  );
});

test("compiling is deterministic and independent of object identity", () => {
  const r = prng(7);
  for (let i = 0; i < 200; i++) {
    const w = randomWorld(r);
    const p = randomPolicy(r, w);
    const copy = JSON.parse(
      JSON.stringify(p, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)),
      (_k, v: unknown) => (typeof v === "string" && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v),
    ) as typeof p;
    assert.deepEqual(imageToJson(compilePolicy(copy)), imageToJson(compilePolicy(p)));
  }
});

test("config carries audit mode, deny defaults and the shapes in use", () => {
  const r = prng(11);
  const w = randomWorld(r);
  const p = randomPolicy(r, w);
  const audit = decodeConfig(compilePolicy({ ...p, mode: "audit", rules: [] }).config);
  assert.equal(audit.auditMode, true);
  assert.equal(audit.shapes, 0);
  const allDeny = Object.fromEntries(
    Object.keys(p.defaults).map((k) => [k, "deny"]),
  ) as typeof p.defaults;
  assert.equal(
    decodeConfig(compilePolicy({ ...p, defaults: allDeny }).config).denyDefaults,
    0b11_1111_1110,
  );
});

test("a placement copied to a deeper named cgroup keeps its own level", () => {
  const root = { path: "/sys/fs/cgroup", id: 1n, level: 0 };
  const child = { path: "/sys/fs/cgroup/c", id: 5n, level: 1 };
  const file = { dev: 1, ino: 7n };
  const resource = {
    kind: "files",
    targets: [{ path: "/x", key: file, tree: false }],
    operations: ["read"],
  } as const;
  const at = (placement: typeof root) => [{ identity: null, exe: null, placement }];
  const p = {
    name: "t",
    mode: "enforce",
    defaults: Object.fromEntries(RESOURCE_KEYS.map((c) => [c, "allow"])) as Policy["defaults"],
    rules: [
      { id: "outer", index: 0, action: "deny", subjects: at(root), resource },
      { id: "inner", index: 1, action: "allow", subjects: at(child), resource },
    ],
  } satisfies Policy;
  const subject = {
    uid: 0,
    gid: 0,
    groups: [],
    loginuid: 0,
    cgroups: [1n, 5n],
    exe: { dev: 1, ino: 1n },
  };
  const q = {
    kind: "file-open",
    operation: "read",
    file: { self: file, ancestors: [] },
    subject,
  } as const;
  assert.equal(decide(p, q).ruleId, "inner");
  assert.deepEqual(modelDecide(modelMaps(compilePolicy(p)), q), { action: "allow", rule: 1 });
  const outside = { ...q, subject: { ...subject, cgroups: [1n] } };
  assert.deepEqual(modelDecide(modelMaps(compilePolicy(p)), outside), { action: "deny", rule: 0 });
});
