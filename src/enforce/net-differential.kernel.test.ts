// The network differential on the real kernel: random network policies
// (nested CIDRs of both families, port ranges, protocols, users and groups,
// audit mode, a deny default), real connects, sendtos and pings to local addresses
// as different users, and the kernel's answer (EPERM or not, and the events'
// outcomes and rules, in order) compared with decide().
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, realpathSync, chmodSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { compilePolicy } from "../compile/index.js";
import { prng, type Rng } from "../compile/random-world.js";
import { fileKeyOf } from "../identity/file.js";
import { decide } from "../policy/decide.js";
import { maskOf, parseIp } from "../policy/cidr.js";
import { EVERYONE, type Action, type Policy, type Subject } from "../policy/model.js";
import type { Protocol } from "../policy/schema-resources.js";
import type { Request } from "../policy/request.js";
import type { PwDecision } from "../abi/decision.js";
import { Engine } from "./engine.js";
import { policyOf, sh } from "./test-support.js";
import { openPingSockets, Probe, PYTHON } from "./net-support.js";

requireTestVm();

const POLICIES = Number(process.env["PW_NET_DIFF_POLICIES"] ?? 12);
const REQUESTS = 20; // per user and policy, in one python process each
const USERS = [0, 1000, 1001];
const V4 = ["10.1.2.3", "10.1.3.4", "10.2.0.1", "127.0.0.1", "169.254.169.254"];
const V6 = ["::1", "fd00::1", "fd00:1::2"];
const DESTINATIONS = [...V4, ...V6, "::ffff:10.1.2.3", "10.9.9.9"];
const PORTS = [8001, 8002, 8003, 80];
const PORT_SETS = [null, [[8001, 8001]], [[8001, 8002]], [[1, 1024]], [[8000, 9000]]] as const;
const PROTOCOL_SETS: readonly (readonly Protocol[] | null)[] = [
  null,
  ["tcp"],
  ["udp"],
  ["icmp"],
  ["udp", "icmp"],
];
const root = mkdtempSync("/tmp/pw-netdiff-");
const probe = new Probe(join(root, "probe.py"));
const servers: Server[] = [];
let engine: Engine | undefined;
const events: PwDecision[] = [];

before(async () => {
  chmodSync(root, 0o755);
  openPingSockets();
  for (const a of V4.filter((x) => x !== "127.0.0.1"))
    assert.equal(sh(`ip addr add ${a}/32 dev lo`).status, 0, a);
  for (const a of V6.filter((x) => x !== "::1"))
    assert.equal(sh(`ip -6 addr add ${a}/128 dev lo nodad`).status, 0, a);
  for (const port of [8001, 8002]) {
    const s = createServer();
    servers.push(s);
    await new Promise<void>((resolve) => s.listen(port, "::", resolve));
  }
  // Every event is reported (no rate limit), so events map to requests in order.
  engine = Engine.load({ eventIntervalNs: 0n }).attach();
  engine.onDecision((d) => events.push(d));
});

after(async () => {
  for (const s of servers) s.close();
  await engine?.[Symbol.asyncDispose]();
});

function randomCidr(r: Rng): string {
  const text = r.pick(r.chance(0.7) ? V4 : V6);
  const ip = parseIp(text);
  if (ip === null) throw new Error(text);
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = r.pick([0, 8, 16, 24, bits, r.int(bits + 1)].filter((p) => p <= bits));
  const addr = ip.addr & maskOf(ip.family, prefix);
  const hex = (n: bigint) => n.toString(16).padStart(32, "0").match(/.{4}/g)?.join(":") ?? "";
  const addrText =
    ip.family === 4
      ? [24n, 16n, 8n, 0n].map((s) => String((addr >> s) & 0xffn)).join(".")
      : hex(addr);
  return `${addrText}/${prefix}`;
}

function randomSubject(r: Rng): Subject {
  return r.pick<Subject>([
    { ...EVERYONE, identity: { kind: "user", uid: r.pick(USERS) } },
    { ...EVERYONE, identity: { kind: "group", gid: r.pick(USERS) } },
    EVERYONE,
  ]);
}

function randomPolicy(r: Rng): Policy {
  const rules = Array.from({ length: 1 + r.int(8) }, (_, i) => {
    // As the parser insists, a rule naming icmp gives no ports.
    const protocols = r.pick(PROTOCOL_SETS);
    const ports = protocols?.includes("icmp") === true ? null : r.pick(PORT_SETS);
    return {
      id: `n${i}`,
      action: r.pick<Action>(["allow", "deny", "deny", "audit"]),
      subjects: r.chance(0.4)
        ? [EVERYONE]
        : [randomSubject(r), randomSubject(r)].slice(0, 1 + r.int(2)),
      resource: {
        kind: "network" as const,
        cidrs: [randomCidr(r), randomCidr(r)].slice(0, 1 + r.int(2)).map((c) => {
          const [a = "", p = ""] = c.split("/");
          const ip = parseIp(a);
          if (ip === null) throw new Error(c);
          return { ...ip, prefix: Number(p) };
        }),
        ports: ports === null ? null : ports.map(([lo, hi]) => ({ lo, hi })),
        protocols,
      },
    };
  });
  const p = policyOf(rules, r.chance(0.2) ? "audit" : "enforce");
  return r.chance(0.3) ? { ...p, defaults: { ...p.defaults, network: "deny" } } : p;
}

interface Sent {
  readonly op: "connect" | "sendto";
  readonly addr: string;
  readonly port: number;
  readonly protocol: Protocol;
}

// ICMP requests keep their random port: the kernel must ignore it as decide() does.
function randomRequest(r: Rng): Sent {
  const addr = r.pick(DESTINATIONS);
  const port = r.pick(PORTS);
  if (r.chance(0.3)) return { op: "sendto", addr, port, protocol: r.chance(0.7) ? "udp" : "icmp" };
  return { op: "connect", addr, port, protocol: r.pick<Protocol>(["tcp", "tcp", "udp", "icmp"]) };
}

const loginuid = Number(readFileSync("/proc/self/loginuid", "utf8"));
const exe = fileKeyOf(realpathSync(PYTHON));

function requestOf(q: Sent, uid: number): Request {
  const ip = parseIp(q.addr);
  if (ip === null) throw new Error(q.addr);
  const subject = { uid, gid: uid, groups: [], loginuid, cgroups: [], exe };
  const kind = q.op === "connect" ? "connect" : "sendmsg";
  return { kind, ...ip, port: q.port, protocol: q.protocol, subject };
}

const KERNEL_ACTION: Record<string, Action> = { deny: "deny", wouldDeny: "audit", audit: "audit" };

test(`the kernel agrees with decide() on real connects, sendtos and pings (${POLICIES} policies)`, async () => {
  const r = prng(5151);
  let agreed = 0;
  let byRule = 0;
  let eperm = 0;
  const pings = { all: 0, byRule: 0 };
  for (let i = 0; i < POLICIES; i++) {
    const p = randomPolicy(r);
    const gen = engine?.apply(compilePolicy(p)) ?? 0;
    for (const uid of USERS) {
      const sent = Array.from({ length: REQUESTS }, () => randomRequest(r));
      events.length = 0;
      const ran = probe.batch(
        sent.map((q) => [q.op, q.addr, q.port, q.protocol]),
        uid,
      );
      await new Promise((res) => setTimeout(res, 200));
      engine?.onDecision(() => undefined).consume();
      const mine = events.filter((e) => e.tgid === ran.pid && e.hook !== "socketCreate");
      const wants = sent.map((q) => decide(p, requestOf(q, uid)));
      const ctx = `policy ${i} uid ${uid}: ${JSON.stringify(
        p.rules.map((x) => x.resource),
        (_k, v: unknown) => (typeof v === "bigint" ? v.toString(16) : v),
      )} mode ${p.mode} default ${p.defaults.network}`;
      sent.forEach((q, j) => {
        const denied = ran.results[j] === "EPERM";
        assert.equal(
          denied,
          wants[j]?.action === "deny",
          `${ctx} request ${j} ${JSON.stringify(q)}: ${ran.results[j]}`,
        );
        if (denied) eperm++;
      });
      const reported = wants.filter((w) => w.action !== "allow").map((w) => [w.action, w.ruleId]);
      const got = mine.map((e) => [
        KERNEL_ACTION[e.outcome] ?? e.outcome,
        engine?.ruleId(gen, e.rule) ?? null,
      ]);
      assert.deepEqual(got, reported, `${ctx}: events`);
      agreed += sent.length;
      byRule += wants.filter((w) => w.ruleId !== null).length;
      sent.forEach((q, j) => {
        if (q.protocol !== "icmp") return;
        pings.all++;
        if (wants[j]?.ruleId !== null) pings.byRule++;
      });
    }
  }
  console.log(
    `# kernel agrees with decide(): ${agreed} requests, ${byRule} decided by a rule, ${eperm} denied; ` +
      `icmp: ${pings.all}, ${pings.byRule} by a rule`,
  );
  assert.ok(byRule > agreed / 4, `${byRule} of ${agreed} decided by a rule`);
  assert.ok(
    pings.byRule > pings.all / 4,
    `icmp: ${pings.byRule} of ${pings.all} decided by a rule`,
  );
  assert.ok(eperm > agreed / 10, `${eperm} of ${agreed} denied`);
});
