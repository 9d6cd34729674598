// The process and kernel classes in the compiled maps: the model of the
// kernel's lookups against decide() on process requests only, with every
// request kind required to be decided by rules often; and the cheap path of
// capable (items no rule names have no object).
import { test } from "node:test";
import assert from "node:assert/strict";
import { decide } from "../policy/decide.js";
import { EVERYONE, type Policy } from "../policy/model.js";
import { RESOURCE_KEYS } from "../policy/schema-resources.js";
import { PwClass, PwObjectKind, resourceObjectValue } from "../abi/policy-records.js";
import { encodeObjectKey } from "../abi/policy-records.js";
import { compilePolicy } from "./compile.js";
import { modelDecide, modelMaps } from "./lookup-model.js";
import { prng, randomPolicy, randomProcRequest, randomWorld } from "./random-world.js";

const POLICIES = 1500;
const REQUESTS_PER_POLICY = 20;

const kindOf = (q: ReturnType<typeof randomProcRequest>) =>
  q.kind === "exec" ? `exec-${q.target.kind}` : q.kind;

test(`process requests: the compiled maps agree with decide() (${POLICIES} x ${REQUESTS_PER_POLICY})`, () => {
  const r = prng(31337);
  const byRule = new Map<string, number>();
  const total = new Map<string, number>();
  for (let i = 0; i < POLICIES; i++) {
    const w = randomWorld(r);
    const p = randomPolicy(r, w);
    const maps = modelMaps(compilePolicy(p));
    for (let j = 0; j < REQUESTS_PER_POLICY; j++) {
      const q = randomProcRequest(r, w);
      const want = decide(p, q);
      const got = modelDecide(maps, q);
      const gotId = got.rule === null ? null : (p.rules[got.rule]?.id ?? `#${got.rule}`);
      assert.deepEqual(
        { action: got.action, ruleId: gotId },
        { action: want.action, ruleId: want.ruleId },
        `policy ${i} request ${j}: ${JSON.stringify(q, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v))}`,
      );
      const k = kindOf(q);
      total.set(k, (total.get(k) ?? 0) + 1);
      if (want.ruleId !== null) byRule.set(k, (byRule.get(k) ?? 0) + 1);
    }
  }
  for (const k of [
    "exec-memfd",
    "exec-anonymous-memory",
    "capability",
    "ptrace",
    "mount",
    "module-load",
  ]) {
    const n = byRule.get(k) ?? 0;
    assert.ok(n > (total.get(k) ?? 0) / 10, `${k}: ${n} of ${total.get(k)} decided by a rule`);
    console.log(`# ${k}: ${total.get(k)} requests, ${n} decided by a rule`);
  }
});

const defaults = Object.fromEntries(RESOURCE_KEYS.map((c) => [c, "allow"])) as Policy["defaults"];
const uid1000 = { identity: { kind: "user", uid: 1000 }, placement: null, exe: null } as const;

test("only the items rules name get a resource object", () => {
  const p: Policy = {
    name: "t",
    mode: "enforce",
    defaults,
    rules: [
      {
        id: "chown",
        index: 0,
        action: "deny",
        subjects: [uid1000],
        resource: { kind: "capabilities", caps: [0] },
      },
      {
        id: "attach",
        index: 1,
        action: "deny",
        subjects: [EVERYONE],
        resource: { kind: "ptrace", modes: ["attach"] },
      },
    ],
  };
  const image = compilePolicy(p);
  const named = (cls: number, item: number) =>
    image.objects.some((e) =>
      e.key.equals(
        encodeObjectKey({
          kind: PwObjectKind.resource,
          value: resourceObjectValue(cls, item),
          dev: 0,
        }),
      ),
    );
  assert.ok(named(PwClass.capabilities, 0));
  assert.ok(!named(PwClass.capabilities, 21));
  assert.ok(named(PwClass.ptrace, 1));
  assert.ok(!named(PwClass.ptrace, 0));
  assert.ok(!named(PwClass.mount, 0));
  const maps = modelMaps(image);
  const who = {
    uid: 1000,
    gid: 1000,
    groups: [],
    loginuid: 1000,
    cgroups: [1n],
    exe: { dev: 1, ino: 2n },
  };
  assert.deepEqual(modelDecide(maps, { kind: "capability", cap: 0, subject: who }), {
    action: "deny",
    rule: 0,
  });
  assert.deepEqual(modelDecide(maps, { kind: "capability", cap: 0, subject: { ...who, uid: 0 } }), {
    action: "allow",
    rule: null,
  });
  assert.deepEqual(modelDecide(maps, { kind: "ptrace", mode: "read", subject: who }), {
    action: "allow",
    rule: null,
  });
});
