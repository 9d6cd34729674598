// validateImage on network rules: compiled pw_net tries prove valid, and every
// corruption of a trie entry (dropped, prefix length changed, port range
// shifted, protocols or action changed) is caught with a request on which
// decide() and the lookup model of the image really disagree.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  NET_HEADER_BITS,
  NET_KEY_LAYOUT,
  decodeNetValue,
  encodeNetValue,
  type NetValue,
} from "../../abi/policy-records.js";
import { scoreRule } from "../../abi/score.js";
import { compilePolicy } from "../../compile/compile.js";
import type { MapEntry, MapImage } from "../../compile/image.js";
import { modelDecide, modelMaps } from "../../compile/lookup-model.js";
import { randomNetRequest, randomNetworkResource } from "../../compile/random-net.js";
import {
  prng,
  randomPolicy,
  randomSubjectIdentity,
  randomWorld,
  type Rng,
} from "../../compile/random-world.js";
import { maskOf, parseCidr, type Cidr } from "../../policy/cidr.js";
import { decide } from "../../policy/decide.js";
import type { Action, Policy, Resource, Rule, Subject } from "../../policy/model.js";
import type { Request } from "../../policy/request.js";
import { RESOURCE_KEYS } from "../../policy/schema-resources.js";
import { disposeEmbeddedZ3 } from "../smt/z3-embedded.js";
import { validateImage, type ValidationResult } from "./index.js";
import { AddressSpace, portClasses } from "./net-space.js";

test.after(() => disposeEmbeddedZ3());

const show = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}` : x));

function cidr(text: string): Cidr {
  const r = parseCidr(text);
  if (r.kind !== "ok") throw new Error(`test: ${text}: ${r.why}`);
  return r.cidr;
}

const EXE = { dev: 1, ino: 900n };
const CG = { path: "/sys/fs/cgroup/app", id: 7n, level: 1 };
const everyone: Subject[] = [{ identity: null, placement: null, exe: null }];

function net(
  cidrs: string[],
  ports: [number, number][] | null = null,
  protocols: ("tcp" | "udp" | "icmp")[] | null = null,
): Resource {
  return {
    kind: "network",
    cidrs: cidrs.map(cidr),
    ports: ports === null ? null : ports.map(([lo, hi]) => ({ lo, hi })),
    protocols,
  };
}

const rule = (id: string, action: Action, subjects: Subject[], resource: Resource) => ({
  id,
  action,
  subjects,
  resource,
});

const RULES: Omit<Rule, "index">[] = [
  rule("lan-deny", "deny", everyone, net(["10.0.0.0/8"])),
  rule(
    "lan-web",
    "allow",
    [{ identity: { kind: "user", uid: 1000 }, placement: null, exe: null }],
    net(
      ["10.1.0.0/16"],
      [
        [443, 443],
        [8000, 8999],
      ],
      ["tcp"],
    ),
  ),
  rule(
    "lan-web-staff",
    "deny",
    [{ identity: { kind: "group", gid: 2000 }, placement: null, exe: null }],
    net(["10.1.0.0/16"], [[443, 443]], ["tcp"]),
  ),
  rule("lan-dns", "allow", everyone, net(["10.1.2.0/24", "10.1.2.53/32"], [[53, 53]])),
  rule(
    "ssh-host",
    "audit",
    [{ identity: { kind: "group", gid: 2000 }, placement: null, exe: EXE }],
    net(["10.1.2.3/32"], [[22, 22]], ["tcp"]),
  ),
  rule("v6-doc", "deny", everyone, net(["2001:db8::/32"])),
  rule(
    "v6-app",
    "allow",
    [{ identity: null, placement: CG, exe: null }],
    net(["2001:db8:1::/48"], [[1024, 65535]], ["udp"]),
  ),
  rule("ping", "allow", everyone, net(["0.0.0.0/0", "::/0"], null, ["icmp"])),
  rule(
    "metadata",
    "deny",
    [{ identity: { kind: "login-user", uid: 1000 }, placement: null, exe: null }],
    net(["169.254.169.254/32"]),
  ),
  rule("world-https", "allow", everyone, net(["0.0.0.0/0"], [[443, 443]], ["tcp"])),
  // IPv4-mapped: a v6 rule no request ever reaches (destinations there are decided as IPv4).
  rule("mapped", "deny", everyone, net(["::ffff:10.0.0.0/104"])),
];

function policyOf(mode: Policy["mode"], rules = RULES): Policy {
  const defaults = Object.fromEntries(RESOURCE_KEYS.map((c) => [c, "allow"]));
  return {
    name: "net",
    mode,
    defaults: { ...(defaults as Policy["defaults"]), network: "deny" },
    rules: rules.map((r, index) => ({ ...r, index })),
  };
}

const handmade = policyOf("enforce");

/** Recomputes both sides on the reported request: the test trusts no part of the checker. */
function assertRealDifference(p: Policy, image: MapImage, v: ValidationResult, what: string) {
  assert.equal(v.kind, "differs", `${what}: ${show(v)}`);
  if (v.kind !== "differs") return;
  assert.ok(v.request.kind === "connect" || v.request.kind === "sendmsg", show(v.request));
  const want = decide(p, v.request);
  const got = modelDecide(modelMaps(image), v.request);
  const gotId = got.rule === null ? null : (image.ruleIds[got.rule] ?? null);
  assert.notDeepEqual(
    { a: got.action, r: gotId },
    { a: want.action, r: want.ruleId },
    `${what}: ${show(v.request)}`,
  );
  assert.deepEqual(v.expected, { action: want.action, ruleId: want.ruleId });
}

// pw_net entries, edited as bytes.
const L = NET_KEY_LAYOUT;
const withNet = (img: MapImage, entries: MapEntry[]): MapImage => ({ ...img, net: entries });
const prefixOf = (e: MapEntry) => e.key.readUInt32LE(L.prefixlen) - NET_HEADER_BITS;
const rulesOf = (e: MapEntry) => decodeNetValue(e.value).ports.map((p) => scoreRule(p.score));

function editValue(e: MapEntry, f: (v: NetValue) => NetValue): MapEntry {
  return { key: e.key, value: encodeNetValue(f(decodeNetValue(e.value))) };
}

/** The key's prefix length set to `prefix`, its address masked to it (a key the trie takes). */
function setPrefix(e: MapEntry, prefix: number): MapEntry {
  const key = Buffer.from(e.key);
  const family = key.readUInt8(L.family) as 4 | 6;
  const bytes = family === 4 ? 4 : 16;
  let addr = 0n;
  for (let i = 0; i < bytes; i++) addr = (addr << 8n) | BigInt(key.readUInt8(L.addr + i));
  addr &= maskOf(family, prefix);
  for (let i = 0; i < bytes; i++)
    key.writeUInt8(Number((addr >> BigInt(8 * (bytes - 1 - i))) & 0xffn), L.addr + i);
  key.writeUInt32LE(NET_HEADER_BITS + prefix, L.prefixlen);
  return { key, value: e.value };
}

/** Entries of rule `id`, by index in image.net. */
function entriesOf(p: Policy, image: MapImage, id: string): number[] {
  const index = p.rules.findIndex((r) => r.id === id);
  return image.net.flatMap((e, i) => (rulesOf(e).includes(index) ? [i] : []));
}

function editAt(image: MapImage, i: number, f: (e: MapEntry) => MapEntry): MapImage {
  return withNet(
    image,
    image.net.map((e, j) => (j === i ? f(e) : e)),
  );
}

const first = (xs: number[]): number => {
  assert.ok(xs.length > 0);
  return xs[0] as number;
};

test("the address line is cut at every named prefix, ports at the ranges' ends", () => {
  const space = new AddressSpace(["10.0.0.0/8", "10.1.0.0/16", "10.0.0.0/9"].map(cidr));
  // none, /8 (10.128/9), /9, /16 inside the /9
  assert.deepEqual(
    space.classes(4).map((k) => k.chain.map((c) => c.prefix)),
    [[], [9, 8], [16, 9, 8], [8]],
  );
  assert.deepEqual(space.inside(cidr("10.0.0.0/9"), 64), [0x0a000000n, 0x0a010000n]);
  // The IPv4-mapped range is never an IPv6 destination: ::/0 has its two classes around it.
  const v6 = new AddressSpace([cidr("::/0"), cidr("::ffff:10.0.0.0/104")]);
  // Around it, ::/0 is one class.
  assert.deepEqual(
    v6.classes(6).map((k) => k.addr),
    [0n],
  );
  assert.deepEqual(
    portClasses([
      { lo: 22, hi: 22 },
      { lo: 0, hi: 65535 },
      { lo: 1024, hi: 65535 },
    ]),
    [0, 22, 23, 1024],
  );
});

test("network rules prove valid: IPv4 and IPv6, nested CIDRs, ports, protocols, placements", async () => {
  for (const mode of ["enforce", "audit"] as const) {
    const p = policyOf(mode);
    const image = compilePolicy(p);
    const v = await validateImage(p, image);
    assert.equal(v.kind, "valid", show(v));
    if (v.kind !== "valid") continue;
    assert.deepEqual(v.notChecked, []);
    assert.equal(v.network.addresses, 0, show(v));
    assert.ok(v.network.positions >= 20, show(v));
  }
});

test("every pw_net entry matters, but for two that change no decision", async () => {
  const image = compilePolicy(handmade);
  // Only IPv4-mapped destinations would reach this one, and they are decided as IPv4.
  const mapped = entriesOf(handmade, image, "mapped");
  // 10.1.2.53/32 port 53: without it the same rule decides at its /24.
  const dns = entriesOf(handmade, image, "lan-dns").filter(
    (i) => prefixOf(image.net[i] as MapEntry) === 32,
  );
  assert.equal(mapped.length + dns.length, 2);
  for (const [i] of image.net.entries()) {
    const bad = withNet(
      image,
      image.net.filter((_e, j) => j !== i),
    );
    const v = await validateImage(handmade, bad);
    if (mapped.includes(i)) assert.equal(v.kind, "valid", show(v));
    else if (dns.includes(i)) {
      // The /32 level now disagrees, but no destination is decided there differently.
      assert.equal(v.kind, "valid", show(v));
      if (v.kind === "valid") assert.ok(v.network.addresses > 0, show(v));
    } else
      assertRealDifference(
        handmade,
        bad,
        v,
        `entry ${i} (rules ${rulesOf(image.net[i] as MapEntry)}) dropped`,
      );
  }
});

test("corrupted pw_net entries are caught with a request that differs", async () => {
  const image = compilePolicy(handmade);
  const at = (id: string) => first(entriesOf(handmade, image, id));
  const rows = (id: string, f: (v: NetValue) => NetValue) =>
    editAt(image, at(id), (e) => editValue(e, f));
  const eachRow =
    (f: (p: NetValue["ports"][number]) => NetValue["ports"][number]) => (v: NetValue) => ({
      ...v,
      ports: v.ports.map(f),
    });
  const cases: [string, MapImage][] = [
    ["prefix lengthened (/16 to /17)", editAt(image, at("lan-web"), (e) => setPrefix(e, 17))],
    ["prefix shortened (/24 to /23)", editAt(image, at("lan-dns"), (e) => setPrefix(e, 23))],
    ["IPv6 prefix lengthened (/48 to /64)", editAt(image, at("v6-app"), (e) => setPrefix(e, 64))],
    [
      "prefix changed in key and value (/32 to /30)",
      editAt(image, at("ssh-host"), (e) =>
        editValue(setPrefix(e, 30), (v) => ({ ...v, prefix: 30 })),
      ),
    ],
    [
      "port range shifted",
      rows(
        "lan-web",
        eachRow((p) => ({ ...p, lo: p.lo + 1, hi: p.hi + 1 })),
      ),
    ],
    [
      "port range widened",
      rows(
        "ssh-host",
        eachRow((p) => ({ ...p, hi: p.hi + 1 })),
      ),
    ],
    [
      "tcp made udp",
      rows(
        "world-https",
        eachRow((p) => ({ ...p, protocols: 2 })),
      ),
    ],
    [
      "icmp bit lost",
      rows(
        "ping",
        eachRow((p) => ({ ...p, protocols: 3 })),
      ),
    ],
    [
      "action flipped",
      rows(
        "lan-deny",
        eachRow((p) => ({ ...p, score: p.score & ~(3n << 32n) })),
      ),
    ],
    [
      "rank lost",
      rows(
        "lan-web",
        eachRow((p) => ({ ...p, score: p.score & ~(3n << 34n) })),
      ),
    ],
    ["a row dropped", rows("lan-web", (v) => ({ ...v, ports: v.ports.slice(1) }))],
    [
      "subject changed",
      editAt(image, at("lan-web"), (e) => {
        const key = Buffer.from(e.key);
        key.writeUInt32LE(1001, L.ident);
        return { key, value: e.value };
      }),
    ],
  ];
  for (const [name, bad] of cases) {
    const v = await validateImage(handmade, bad);
    assertRealDifference(handmade, bad, v, name);
  }
});

test("a network default that differs is refused; audit mode is read from the image", async () => {
  const image = compilePolicy(handmade);
  const v = await validateImage(policyOf("enforce", []), compilePolicy(policyOf("audit", [])));
  assert.equal(v.kind, "malformed", show(v));
  const lax = { ...handmade, defaults: { ...handmade.defaults, network: "allow" as const } };
  const w = await validateImage(lax, image);
  assert.equal(w.kind, "malformed", show(w));
  if (w.kind === "malformed") assert.match(w.reason, /network default is deny in the maps/);
  // The same trie, judged against the policy in audit mode: every deny reads as audit there.
  const audit = await validateImage(policyOf("audit"), image);
  assert.notEqual(audit.kind, "valid", show(audit));
});

test("malformed pw_net entries are refused, not proved", async () => {
  const image = compilePolicy(handmade);
  const e = image.net[0] as MapEntry;
  const key = (f: (k: Buffer) => void): MapEntry => {
    const k = Buffer.from(e.key);
    f(k);
    return { key: k, value: e.value };
  };
  const cases: [string, MapEntry[]][] = [
    ["short key", [{ key: e.key.subarray(1), value: e.value }]],
    ["short value", [{ key: e.key, value: e.value.subarray(8) }]],
    ["prefix inside the header", [key((k) => k.writeUInt32LE(100, L.prefixlen))]],
    ["host bits", [key((k) => k.writeUInt8(k.readUInt8(L.addr + 15) | 1, L.addr + 15))]],
    ["generation", [key((k) => k.writeUInt8(1, L.gen))]],
    ["twice", [e, e]],
    [
      "no such action",
      [
        editValue(e, (v) => ({
          ...v,
          ports: v.ports.map((p) => ({ ...p, score: p.score | (3n << 32n) })),
        })),
      ],
    ],
  ];
  for (const [name, entries] of cases) {
    const v = await validateImage(handmade, withNet(image, [...entries, ...image.net.slice(1)]));
    assert.equal(v.kind, "malformed", `${name}: ${show(v)}`);
  }
});

test("a disagreement between levels that no destination reaches is settled by the exact check", async () => {
  // The /8 is covered by its two halves, each with a rule for everyone, every port and protocol:
  // no destination is ever decided at the /8, so flipping its action changes nothing.
  const rules = [
    rule("eight", "deny", everyone, net(["10.0.0.0/8"])),
    rule("low", "allow", everyone, net(["10.0.0.0/9"])),
    rule("high", "audit", everyone, net(["10.128.0.0/9"])),
  ];
  const p = policyOf("enforce", rules);
  const image = compilePolicy(p);
  const bad = editAt(image, first(entriesOf(p, image, "eight")), (e) =>
    editValue(e, (v) => ({
      ...v,
      ports: v.ports.map((r) => ({ ...r, score: r.score & ~(3n << 32n) })),
    })),
  );
  const v = await validateImage(p, bad);
  assert.equal(v.kind, "valid", show(v));
  // Only the classes below the /8 are checked one by one.
  if (v.kind === "valid") assert.ok(v.network.addresses > 0 && v.network.addresses < 20, show(v));
  // Uncovered (the high half's rule dropped), the same flip is a real difference.
  const open = withNet(
    bad,
    bad.net.filter((_e, i) => !entriesOf(p, image, "high").includes(i)),
  );
  assertRealDifference(p, open, await validateImage(p, open), "uncovered");
});

/** A random policy whose rules are mostly network rules, over random subjects. */
function randomNetPolicy(r: Rng): { p: Policy; w: ReturnType<typeof randomWorld> } {
  const w = randomWorld(r);
  const base = randomPolicy(r, w, 14, true);
  const rules = base.rules.map((x) =>
    r.chance(0.8) ? { ...x, resource: randomNetworkResource(r) } : x,
  );
  return { p: { ...base, rules }, w };
}

function mutateNet(r: Rng, image: MapImage): MapImage {
  const i = r.int(image.net.length);
  const rowsEdit = (f: (p: NetValue["ports"][number]) => NetValue["ports"][number]) =>
    editAt(image, i, (e) => editValue(e, (v) => ({ ...v, ports: v.ports.map(f) })));
  switch (r.int(5)) {
    case 0:
      return withNet(
        image,
        image.net.filter((_e, j) => j !== i),
      );
    case 1:
      return editAt(image, i, (e) => setPrefix(e, Math.max(0, prefixOf(e) + r.pick([-1, 1, -8]))));
    case 2: {
      const d = r.pick([-1, 1, 100]);
      return rowsEdit((p) => ({ ...p, lo: Math.max(0, p.lo + d), hi: Math.min(65535, p.hi + d) }));
    }
    case 3:
      return rowsEdit((p) => ({ ...p, score: p.score ^ (1n << BigInt(32 + r.int(2))) }));
    default:
      return rowsEdit((p) => ({ ...p, protocols: p.protocols ^ (1 << r.int(3)) }));
  }
}

const POLICIES = 40;
const SAMPLES = 400;

test(`random network policies and pw_net mutants (${POLICIES}): proved or caught`, async () => {
  const r = prng(60606);
  const tally = { valid: 0, caught: 0, malformed: 0, equivalentMutants: 0, exact: 0 };
  for (let i = 0; i < POLICIES; i++) {
    const { p, w } = randomNetPolicy(r);
    const image = compilePolicy(p);
    const v = await validateImage(p, image);
    assert.equal(v.kind, "valid", `policy ${i}: ${show(v)}`);
    tally.valid++;
    if (image.net.length === 0) continue;
    const bad = mutateNet(r, image);
    const m = await validateImage(p, bad);
    if (m.kind === "differs") {
      assertRealDifference(p, bad, m, `mutant ${i}`);
      tally.caught++;
      continue;
    }
    if (m.kind === "malformed") {
      tally.malformed++;
      continue;
    }
    assert.equal(m.kind, "valid", `mutant ${i}: ${show(m)}`);
    if (m.kind === "valid" && m.network.addresses > 0) tally.exact++;
    const maps = modelMaps(bad);
    for (let j = 0; j < SAMPLES; j++) {
      const q: Request = randomNetRequest(r, randomSubjectIdentity(r, w), w.sockets);
      assert.equal(
        modelDecide(maps, q).action,
        decide(p, q).action,
        `mutant ${i} proved valid, yet: ${show(q)}`,
      );
    }
    tally.equivalentMutants++;
  }
  console.log(`# policy check, network: ${show(tally)}`);
  assert.ok(tally.caught > POLICIES / 3, show(tally));
});
