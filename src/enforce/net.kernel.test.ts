// The network, sockets and unix classes against the real kernel. Every
// destination is local (addresses on the loopback device, listeners in this
// process), so an allowed request succeeds or fails for a network reason
// (ECONNREFUSED), never with EPERM: EPERM is the enforcer's answer alone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { compilePolicy } from "../compile/index.js";
import { fileKeyOf } from "../identity/file.js";
import { CLOUD_METADATA_CIDRS } from "../policy/cidr.js";
import { SOCKET_FAMILIES, SOCKET_TYPES } from "../policy/sockets.js";
import type { Policy } from "../policy/model.js";
import type { PwDecision } from "../abi/decision.js";
import { Engine } from "./engine.js";
import { readCounters } from "./counters.js";
import { policyOf, sh, waitFor } from "./test-support.js";
import { listenOn, networkRule, openPingSockets, Probe, PYTHON, user } from "./net-support.js";

requireTestVm();

const root = mkdtempSync("/tmp/pw-net-");
const probe = new Probe(join(root, "probe.py"));
const daemonSock = join(root, "daemon.sock");
const otherSock = join(root, "other.sock");
const dgramSock = join(root, "dgram.sock");
const PORT = 8443;
const CLOSED = 8444;
const TARGET = "10.1.2.3";
const METADATA = "169.254.169.254";
const servers: Server[] = [];
let dgram: ChildProcess | undefined;
let engine: Engine | undefined;
const seen: PwDecision[] = [];

function loaded(): Engine {
  if (engine === undefined) throw new Error("the engine did not load");
  return engine;
}

function apply(p: Policy): number {
  return loaded().apply(compilePolicy(p));
}

const listen = (server: Server, where: number | string) => listenOn(servers, server, where);

before(async () => {
  chmodSync(root, 0o777);
  for (const a of [`${TARGET}/32`, `${METADATA}/32`])
    assert.equal(sh(`ip addr add ${a} dev lo`).status, 0, `add ${a} to lo`);
  if (!sh("ip -6 addr show dev lo").stdout.includes("::1"))
    assert.equal(sh("ip -6 addr add ::1/128 dev lo").status, 0, "add ::1 to lo");
  openPingSockets();
  // Dual stack: one listener takes IPv4 (mapped) and IPv6 connects on every local address.
  await listen(createServer(), PORT);
  await listen(createServer(), daemonSock);
  await listen(createServer(), otherSock);
  chmodSync(daemonSock, 0o777);
  chmodSync(otherSock, 0o777);
  dgram = spawn(PYTHON, [
    "-c",
    `import os,socket,time; s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.bind('${dgramSock}'); os.chmod('${dgramSock}',0o777); time.sleep(3600)`,
  ]);
  // Python starts slowly under emulation.
  await waitFor(() => existsSync(dgramSock), 60_000);
  engine = Engine.load({ eventIntervalNs: 1_000_000_000n }).attach();
  engine.onDecision((d) => seen.push(d));
});

after(async () => {
  dgram?.kill();
  for (const s of servers) s.close();
  await engine?.[Symbol.asyncDispose]();
});

test("connect to a CIDR and port is denied to one user and allowed to another", () => {
  apply(
    policyOf([
      networkRule("no-target", "deny", ["10.1.2.0/24"], {
        ports: [{ lo: PORT, hi: PORT }],
        protocols: ["tcp"],
        subjects: [user(1000)],
      }),
    ]),
  );
  assert.equal(probe.connect(TARGET, PORT, "tcp", 1000), "EPERM");
  assert.equal(probe.connect(TARGET, PORT, "tcp"), "ok", "root is not the subject");
  assert.equal(probe.connect(TARGET, CLOSED, "tcp", 1000), "ECONNREFUSED", "another port");
  assert.equal(probe.connect("127.0.0.1", PORT, "tcp", 1000), "ok", "another address");
  assert.equal(probe.connect(TARGET, PORT, "udp", 1000), "ok", "another protocol");
});

test("the longest prefix wins, then ports given: an exception inside a denied block", () => {
  apply(
    policyOf([
      networkRule("no-ten", "deny", ["10.0.0.0/8"]),
      networkRule("alice-target", "allow", ["10.1.2.0/24"], {
        ports: [{ lo: PORT, hi: PORT }],
        subjects: [user(1000)],
      }),
    ]),
  );
  assert.equal(probe.connect(TARGET, PORT, "tcp", 1000), "ok");
  assert.equal(probe.connect(TARGET, PORT, "tcp"), "EPERM", "the allow is not root's");
  assert.equal(probe.connect(TARGET, CLOSED, "tcp", 1000), "EPERM", "the allow names one port");
});

test("IPv6: a v6 block denies v6 only; an IPv4-mapped destination meets the v4 rules", () => {
  apply(
    policyOf([networkRule("no-v6-lo", "deny", ["::1/128"], { ports: [{ lo: PORT, hi: PORT }] })]),
  );
  assert.equal(probe.connect("::1", PORT), "EPERM");
  assert.equal(probe.connect("127.0.0.1", PORT), "ok");
  apply(
    policyOf([
      networkRule("no-v4-lo", "deny", ["127.0.0.0/8"], { ports: [{ lo: PORT, hi: PORT }] }),
    ]),
  );
  assert.equal(probe.connect("::ffff:127.0.0.1", PORT), "EPERM");
  assert.equal(probe.connect("127.0.0.1", PORT), "EPERM");
  assert.equal(probe.connect("::1", PORT), "ok");
});

test("UDP: sendto with a destination and connect are denied; TCP to the same port is not", () => {
  apply(
    policyOf([
      networkRule("no-dns", "deny", ["127.0.0.1/32"], {
        ports: [{ lo: 5353, hi: 5353 }],
        protocols: ["udp"],
      }),
    ]),
  );
  assert.equal(probe.sendto("127.0.0.1", 5353), "EPERM");
  assert.equal(probe.sendto("::ffff:127.0.0.1", 5353), "EPERM", "from an IPv6 socket");
  assert.equal(probe.connect("127.0.0.1", 5353, "udp"), "EPERM");
  assert.equal(probe.sendto("127.0.0.1", 5354), "ok");
  assert.equal(probe.connect("127.0.0.1", 5353, "tcp"), "ECONNREFUSED");
});

test("TCP fast open (sendto with MSG_FASTOPEN) is decided like a connect", () => {
  apply(policyOf([]));
  assert.equal(probe.fastopen(TARGET, PORT), "ok", "fast open works without the rule");
  apply(policyOf([networkRule("no-target", "deny", ["10.1.2.0/24"], { protocols: ["tcp"] })]));
  assert.equal(probe.fastopen(TARGET, PORT), "EPERM");
  assert.equal(probe.fastopen("127.0.0.1", PORT), "ok");
});

test("Multipath TCP is decided as TCP and UDP-Lite as UDP", () => {
  apply(policyOf([]));
  assert.equal(probe.connect(TARGET, PORT, "mptcp"), "ok", "MPTCP connects without the rule");
  assert.equal(probe.sendtoLite(TARGET, 5353), "ok", "UDP-Lite leaves without the rule");
  apply(policyOf([networkRule("no-target", "deny", ["10.1.2.0/24"])]));
  assert.equal(probe.connect(TARGET, PORT, "mptcp"), "EPERM");
  assert.equal(probe.sendtoLite(TARGET, 5353), "EPERM");
  apply(policyOf([networkRule("no-target-tcp", "deny", ["10.1.2.0/24"], { protocols: ["tcp"] })]));
  assert.equal(probe.connect(TARGET, PORT, "mptcp"), "EPERM");
  assert.equal(probe.sendtoLite(TARGET, 5353), "ok", "a TCP rule leaves UDP-Lite alone");
});

test("ICMP echo from a ping socket is decided as icmp, and no rule with ports matches it", () => {
  apply(policyOf([]));
  assert.equal(probe.ping(TARGET), "ok", "ping leaves without a rule");
  assert.equal(probe.ping("::1"), "ok", "ICMPv6 ping leaves without a rule");
  apply(policyOf([networkRule("no-target", "deny", ["10.1.2.0/24", "::1/128"])]));
  assert.equal(probe.ping(TARGET), "EPERM", "a rule without protocols covers icmp");
  assert.equal(probe.ping(TARGET, "connect"), "EPERM", "a connected ping socket");
  assert.equal(probe.ping("::1"), "EPERM", "ICMPv6");
  assert.equal(probe.ping(TARGET, "sendto", 0, 1000), "EPERM", "an unprivileged user's ping");
  assert.equal(probe.ping("127.0.0.1"), "ok", "another address");
  apply(
    policyOf([
      networkRule("every-port", "deny", ["10.1.2.0/24"], { ports: [{ lo: 1, hi: 65535 }] }),
    ]),
  );
  assert.equal(probe.ping(TARGET, "sendto", 7), "ok", "a rule with ports never matches icmp");
  assert.equal(probe.sendto(TARGET, 7), "EPERM");
  apply(policyOf([networkRule("tcp-udp", "deny", ["10.1.2.0/24"], { protocols: ["tcp", "udp"] })]));
  assert.equal(probe.ping(TARGET), "ok", "a TCP and UDP rule leaves icmp alone");
  apply(policyOf([networkRule("no-ping", "deny", ["10.1.2.0/24"], { protocols: ["icmp"] })]));
  assert.equal(probe.ping(TARGET), "EPERM");
  assert.equal(probe.connect(TARGET, PORT), "ok", "an icmp rule leaves TCP alone");
  const p = policyOf([
    networkRule("lo-tcp", "allow", ["127.0.0.0/8"], { protocols: ["tcp"] }),
    networkRule("lo-ping", "allow", ["::1/128"], { protocols: ["icmp"] }),
  ]);
  apply({ ...p, defaults: { ...p.defaults, network: "deny" } });
  assert.equal(probe.ping("127.0.0.1"), "EPERM", "the deny default covers icmp");
  assert.equal(probe.ping("::1"), "ok", "allowed by lo-ping");
});

test("a raw ICMP socket, where the sockets class allows it, is decided as icmp too", () => {
  apply(policyOf([networkRule("no-target", "deny", ["10.1.2.0/24"], { protocols: ["icmp"] })]));
  assert.equal(probe.rawPing(TARGET), "EPERM");
  assert.equal(probe.rawPing("127.0.0.1"), "ok");
});

test("a denied ping is reported with its rule, ICMP or ICMPv6 and no port", async () => {
  seen.length = 0;
  const gen = apply(policyOf([networkRule("no-ping", "deny", ["10.1.2.0/24", "::1/128"])]));
  const pids: number[] = [];
  for (const addr of [TARGET, "::1"]) {
    const cmd = `echo $$; exec ${PYTHON} ${join(root, "probe.py")} sendto ${addr} 7 icmp`;
    const [pidText, out] = sh(cmd).stdout.trim().split("\n");
    assert.equal(out, "EPERM", addr);
    pids.push(Number(pidText));
  }
  await waitFor(() => pids.every((pid) => seen.some((d) => d.tgid === pid)));
  const [v4, v6] = pids.map((pid) => seen.find((d) => d.tgid === pid));
  assert.equal(v4?.hook, "socketSendmsg");
  assert.equal(v4?.outcome, "deny");
  assert.equal(loaded().ruleId(gen, v4?.rule ?? null), "no-ping");
  assert.deepEqual(v4?.net, { family: 2, protocol: 1, addr: TARGET, port: 0 });
  assert.deepEqual(v6?.net, { family: 10, protocol: 58, addr: "::1", port: 0 });
});

test("the cloud metadata endpoint is an ordinary CIDR rule", () => {
  apply(policyOf([]));
  assert.equal(probe.connect(METADATA, PORT), "ok", "reachable without the rule");
  apply(policyOf([networkRule("no-imds", "deny", [...CLOUD_METADATA_CIDRS])]));
  assert.equal(probe.connect(METADATA, PORT), "EPERM");
  assert.equal(probe.connect(METADATA, PORT, "tcp", 1000), "EPERM");
  assert.equal(probe.sendto(METADATA, 53), "EPERM");
  assert.equal(probe.connect(TARGET, PORT), "ok");
});

test("socket creation: packet, vsock and bluetooth families, raw inet, by user", () => {
  const F = SOCKET_FAMILIES;
  const T = SOCKET_TYPES;
  apply(policyOf([]));
  assert.equal(probe.socket(F.packet, T.raw), "ok", "root may open packet sockets without a rule");
  assert.equal(probe.socket(F.inet, T.raw, 1), "ok");
  apply(
    policyOf([
      {
        id: "no-exotic",
        action: "deny",
        subjects: [{ identity: null, placement: null, exe: null }],
        resource: { kind: "sockets", families: [F.packet, F.vsock, F.bluetooth], types: null },
      },
      {
        id: "no-raw",
        action: "deny",
        subjects: [{ identity: null, placement: null, exe: null }],
        resource: { kind: "sockets", families: [F.inet, F.inet6], types: [T.raw] },
      },
      {
        id: "no-udp-1000",
        action: "deny",
        subjects: [user(1000)],
        resource: { kind: "sockets", families: [F.inet], types: [T.dgram] },
      },
    ]),
  );
  assert.equal(probe.socket(F.packet, T.raw), "EPERM");
  assert.equal(probe.socket(F.packet, T.dgram), "EPERM");
  assert.equal(probe.socket(F.vsock, T.stream), "EPERM");
  assert.equal(probe.socket(F.bluetooth, T.raw), "EPERM");
  assert.equal(probe.socket(F.inet, T.raw, 1), "EPERM");
  assert.equal(probe.socket(F.inet6, T.raw, 58), "EPERM");
  assert.equal(probe.socket(F.inet, T.stream), "ok");
  assert.equal(probe.socket(F.inet, T.dgram), "ok", "root is not the subject");
  assert.equal(probe.socket(F.inet, T.dgram, 0, 1000), "EPERM");
  assert.equal(probe.socket(F.inet6, T.dgram, 0, 1000), "ok");
});

test("unix sockets: connect to a protected socket file is denied, by its inode", () => {
  apply(
    policyOf([
      {
        id: "no-daemon",
        action: "deny",
        subjects: [user(1000)],
        resource: { kind: "unix", sockets: [fileKeyOf(daemonSock), fileKeyOf(dgramSock)] },
      },
    ]),
  );
  assert.equal(probe.unix("stream", daemonSock, 1000), "EPERM");
  assert.equal(probe.unix("stream", daemonSock), "ok", "root is not the subject");
  assert.equal(probe.unix("stream", `/proc/self/root${daemonSock}`, 1000), "EPERM");
  assert.equal(probe.unix("stream", otherSock, 1000), "ok");
  assert.equal(probe.unix("dgram", dgramSock, 1000), "EPERM");
  assert.equal(probe.unix("dgram", dgramSock), "ok");
});

test("audit mode reports the would-be denial of a connect, with its destination", async () => {
  seen.length = 0;
  const before = readCounters(loaded().maps.counters).socketConnect.wouldDeny;
  const gen = apply(
    policyOf(
      [networkRule("watch", "deny", ["10.1.2.0/24"], { ports: [{ lo: PORT, hi: PORT }] })],
      "audit",
    ),
  );
  const r = sh(`echo $$; exec ${PYTHON} ${join(root, "probe.py")} connect ${TARGET} ${PORT} tcp`);
  const [pidText, out] = r.stdout.trim().split("\n");
  assert.equal(out, "ok");
  const pid = Number(pidText);
  await waitFor(() => seen.some((d) => d.tgid === pid));
  const e = seen.find((d) => d.tgid === pid);
  assert.equal(e?.outcome, "wouldDeny");
  assert.equal(e?.hook, "socketConnect");
  assert.equal(loaded().ruleId(gen, e?.rule ?? null), "watch");
  assert.deepEqual(e?.net, { family: 2, protocol: 6, addr: TARGET, port: PORT });
  const after = readCounters(loaded().maps.counters).socketConnect.wouldDeny;
  assert.ok(after > before, `counter socketConnect.wouldDeny went from ${before} to ${after}`);
});

test("a class default of deny: only what a rule allows gets out", () => {
  const p = policyOf([
    networkRule("lo-only", "allow", ["127.0.0.0/8", "::1/128"], { protocols: ["tcp"] }),
  ]);
  apply({ ...p, defaults: { ...p.defaults, network: "deny" } });
  assert.equal(probe.connect("127.0.0.1", PORT), "ok");
  assert.equal(probe.connect("::1", PORT), "ok");
  assert.equal(probe.connect(TARGET, PORT), "EPERM");
  assert.equal(probe.sendto("127.0.0.1", 5353), "EPERM", "udp is not allowed");
});
