// Events of the network hooks as the agent reports and prints them.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { PwDecision } from "../abi/decision.js";
import { parseAccounts } from "../agent/accounts.js";
import { nameEvent } from "../agent/event-names.js";
import { decisionEvent } from "./decision-event.js";

const ping: PwDecision = {
  tsNs: 1n,
  cgroupId: 7n,
  file: { dev: 0, ino: 0n },
  exe: { dev: 1, ino: 2n },
  pid: 10,
  tgid: 10,
  uid: 0,
  loginuid: 0,
  hook: "socketSendmsg",
  outcome: "deny",
  rule: 0,
  op: 0,
  suppressed: 0,
  gen: 0,
  comm: "ping",
  net: { family: 2, protocol: 1, addr: "198.51.100.7", port: 0 },
};
const slots = {
  ruleId: (_s: number, r: number | null) => (r === null ? null : `r${r}`),
  generation: () => 1,
};
const accounts = parseAccounts("root:x:0:0::/root:/bin/sh\n", "root:x:0:\n");

test("a ping's event names icmp, for ICMPv6 too, and prints without a port", () => {
  const v4 = decisionEvent(ping, slots);
  assert.equal(v4?.hook, "sendmsg");
  assert.equal(v4?.ruleId, "r0");
  assert.deepEqual(v4?.resource, {
    kind: "address",
    family: 4,
    addr: "198.51.100.7",
    port: 0,
    protocol: "icmp",
  });
  const v6 = decisionEvent(
    { ...ping, net: { family: 10, protocol: 58, addr: "::1", port: 0 } },
    slots,
  );
  assert.equal(v6?.resource.kind === "address" && v6.resource.protocol, "icmp");
  assert.equal(v4 && nameEvent(v4, accounts, new Map()).resource, "icmp 198.51.100.7");
});

test("TCP and UDP events keep address:port; an unknown protocol is null", () => {
  const tcp = decisionEvent({ ...ping, net: { ...ping.net, protocol: 6, port: 443 } }, slots);
  assert.equal(tcp?.resource.kind === "address" && tcp.resource.protocol, "tcp");
  assert.equal(tcp && nameEvent(tcp, accounts, new Map()).resource, "198.51.100.7:443");
  const other = decisionEvent({ ...ping, net: { ...ping.net, protocol: 132 } }, slots);
  assert.equal(other?.resource.kind === "address" && other.resource.protocol, null);
});
