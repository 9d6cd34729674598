// Property tests: random small policies and requests over a shared little
// world, checking the invariants docs/policy.md promises.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decide, rankOf } from "./decide.js";
import { compareRank } from "./rank.js";
import {
  EVERYONE,
  type Action,
  type Policy,
  type Resource,
  type Rule,
  type Subject,
} from "./model.js";
import { CG, FS, fileAt, files, key, network, policy, who } from "./decide-fixtures.js";
import { FILE_OPERATIONS } from "./schema-resources.js";
import type { Request } from "./request.js";

const CASES = 10_000;

/** mulberry32: a fixed seed makes every failure reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const FILES = [
  [FS.idRsa, FS.ssh, FS.alice, FS.home, FS.root],
  [FS.ssh, FS.alice, FS.home, FS.root],
  [FS.alice, FS.home, FS.root],
  [FS.x, FS.tmp, FS.root],
];
const NODES = [FS.root, FS.home, FS.alice, FS.ssh, FS.idRsa, FS.tmp, FS.x];
const CIDRS = ["0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.3/32", "::/0", "2001:db8::/32"];
const ADDRS = ["10.1.2.3", "10.9.9.9", "8.8.8.8", "2001:db8::5", "::ffff:10.1.2.3"];
const PLACES = [
  { path: "/s", id: CG.system, level: 1 },
  { path: "/n", id: CG.nginx, level: 2 },
];
const ACTIONS: Action[] = ["allow", "deny", "audit"];

function randomSubject(r: Rng): Subject {
  const s: { -readonly [K in keyof Subject]: Subject[K] } = { ...EVERYONE };
  if (r.next() < 0.4)
    s.identity = r.pick([
      { kind: "user", uid: r.pick([0, 1000, 1001]) },
      { kind: "login-user", uid: r.pick([1000, 1001]) },
      { kind: "group", gid: r.pick([1000, 2000]) },
    ] as const);
  if (r.next() < 0.3) s.placement = r.pick(PLACES);
  if (r.next() < 0.3) s.exe = key(r.pick([900, 901]));
  return s;
}

function randomResource(r: Rng): Resource {
  if (r.next() < 0.6) {
    const targets: [number, boolean][] = [[r.pick(NODES), r.next() < 0.6]];
    const ops = FILE_OPERATIONS.filter(() => r.next() < 0.5);
    return files(targets, ops.length > 0 ? ops : ["read"]);
  }
  const ports: [number, number][] | null =
    r.next() < 0.5
      ? [
          r.pick([
            [443, 443],
            [1, 1024],
            [8000, 8100],
          ] as [number, number][]),
        ]
      : null;
  const protocols = r.next() < 0.5 ? [r.pick(["tcp", "udp", "icmp"] as const)] : null;
  return network([r.pick(CIDRS)], ports, protocols);
}

function randomRule(r: Rng, id: string, action = r.pick(ACTIONS)): Rule {
  const subjects =
    r.next() < 0.3 ? [EVERYONE] : Array.from({ length: 1 + r.int(2) }, () => randomSubject(r));
  return { id, index: 0, action, subjects, resource: randomResource(r) };
}

function randomRequest(r: Rng): Request {
  const subject = who({
    uid: r.pick([0, 1000, 1001]),
    loginuid: r.pick([1000, 1001, 4294967295]),
    groups: r.pick([[], [2000], [1000, 2000]]),
    cgroups: r.pick([[CG.root], [CG.root, CG.system], [CG.root, CG.system, CG.nginx, CG.worker]]),
    exe: key(r.pick([900, 901, 902])),
  });
  if (r.next() < 0.6) {
    const op = r.pick(FILE_OPERATIONS);
    const file = fileAt(r.pick(FILES));
    if (op === "read" || op === "write") return { kind: "file-open", operation: op, file, subject };
    return { kind: "file-op", operation: op, file, subject };
  }
  const req = {
    kind: "connect",
    port: r.pick([443, 80, 8080, 53]),
    protocol: r.pick(["tcp", "udp", "icmp"] as const),
    subject,
  } as const;
  const addr = r.pick(ADDRS);
  const ip = addr.includes(":")
    ? { family: 6 as const, addr: ipv6(addr) }
    : { family: 4 as const, addr: ipv4(addr) };
  return { ...req, ...ip };
}
const ipv4 = (s: string) => s.split(".").reduce((a, p) => (a << 8n) | BigInt(p), 0n);
const ipv6 = (s: string) =>
  s === "2001:db8::5" ? (0x20010db8n << 96n) | 5n : (0xffffn << 32n) | ipv4("10.1.2.3");

function randomPolicy(r: Rng): Policy {
  const rules = Array.from({ length: r.int(7) }, (_, i) => randomRule(r, `r${i}`));
  return policy(rules, "enforce", {
    files: r.pick(["allow", "deny"]),
    network: r.pick(["allow", "deny"]),
  });
}

const withRule = (p: Policy, extra: Rule): Policy =>
  policy([...p.rules, { ...extra, id: "extra" }], p.mode, p.defaults);

function forAll(name: string, seed: number, check: (r: Rng, p: Policy, q: Request) => void) {
  test(`${name} (${CASES} random cases)`, () => {
    const r = prng(seed);
    for (let i = 0; i < CASES; i++) check(r, randomPolicy(r), randomRequest(r));
  });
}

forAll("audit mode never denies and otherwise agrees with enforce", 1, (_r, p, q) => {
  const e = decide(p, q);
  const a = decide({ ...p, mode: "audit" }, q);
  assert.notEqual(a.action, "deny");
  assert.equal(a.ruleId, e.ruleId);
  assert.equal(a.action, e.action === "deny" ? "audit" : e.action);
});

forAll("adding an allow rule never turns an allow into a deny or audit", 2, (r, p, q) => {
  const after = decide(withRule(p, randomRule(r, "x", "allow")), q);
  if (decide(p, q).action === "allow") assert.equal(after.action, "allow");
});

forAll("adding a deny rule never turns a deny into anything else", 3, (r, p, q) => {
  const after = decide(withRule(p, randomRule(r, "x", "deny")), q);
  if (decide(p, q).action === "deny") assert.equal(after.action, "deny");
});

forAll("a new rule either wins or leaves the decision unchanged", 4, (r, p, q) => {
  const before = decide(p, q);
  const after = decide(withRule(p, randomRule(r, "x")), q);
  if (after.ruleId !== "extra") assert.deepEqual(after, before);
});

forAll("the winner matches, and no matching rule outranks it", 5, (_r, p, q) => {
  const d = decide(p, q);
  const ranks = p.rules.map((rule) => ({ rule, rank: rankOf(rule, q) }));
  const matching = ranks.filter((x) => x.rank !== null);
  if (d.ruleId === null) {
    assert.equal(matching.length, 0);
    assert.equal(d.action, p.defaults[q.kind === "connect" ? "network" : "files"]);
    return;
  }
  const win = matching.find((x) => x.rule.id === d.ruleId);
  assert.ok(win?.rank);
  for (const m of matching) assert.ok(compareRank(m.rank ?? [], win.rank) <= 0);
});

forAll(
  "rule order changes only which of equally ranked identical actions is named",
  6,
  (r, p, q) => {
    const shuffled = [...p.rules].sort(() => r.next() - 0.5);
    assert.equal(decide(policy(shuffled, p.mode, p.defaults), q).action, decide(p, q).action);
  },
);
