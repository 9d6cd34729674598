// The network compiler's own rules: rows merged and pruned per (subject, CIDR),
// the row limit as a clear error, and the trie key's bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NET_PORTS, PwNetProto, decodeNetValue, encodeNetKey } from "../abi/policy-records.js";
import { parseCidr, type Cidr } from "../policy/cidr.js";
import { EVERYONE, type Policy, type Rule } from "../policy/model.js";
import { RESOURCE_KEYS, type Protocol } from "../policy/schema-resources.js";
import { compilePolicy } from "./compile.js";

function cidr(text: string): Cidr {
  const r = parseCidr(text);
  if (r.kind !== "ok") throw new Error(text);
  return r.cidr;
}

function policy(rules: readonly Omit<Rule, "index">[]): Policy {
  return {
    name: "t",
    mode: "enforce",
    defaults: Object.fromEntries(RESOURCE_KEYS.map((c) => [c, "allow"])) as Policy["defaults"],
    rules: rules.map((r, index) => ({ ...r, index })),
  };
}

const portRule = (id: string, lo: number, hi: number): Omit<Rule, "index"> => ({
  id,
  action: "deny",
  subjects: [EVERYONE],
  resource: { kind: "network", cidrs: [cidr("10.0.0.0/8")], ports: [{ lo, hi }], protocols: null },
});

test("rules with one subject and CIDR share an entry; a covered row with a lower score is dropped", () => {
  const image = compilePolicy(
    policy([portRule("wide", 1, 1024), portRule("narrow", 80, 80), portRule("other", 2000, 3000)]),
  );
  assert.equal(image.net.length, 1);
  const v = decodeNetValue(image.net[0]?.value ?? Buffer.alloc(0));
  assert.equal(v.prefix, 8);
  // "narrow" is inside "wide", and "wide" comes first (higher score): narrow never decides.
  assert.deepEqual(
    v.ports.map((p) => [p.lo, p.hi]),
    [
      [1, 1024],
      [2000, 3000],
    ],
  );
});

const netRule = (
  id: string,
  ports: { lo: number; hi: number }[] | null,
  protocols: Protocol[] | null,
): Omit<Rule, "index"> => ({
  id,
  action: "deny",
  subjects: [EVERYONE],
  resource: { kind: "network", cidrs: [cidr("10.0.0.0/8")], ports, protocols },
});

test("ICMP has no port: only rows of rules without ports carry the icmp bit", () => {
  const rows = (rule: Omit<Rule, "index">) =>
    compilePolicy(policy([rule])).net.flatMap((e) =>
      decodeNetValue(e.value).ports.map((p) => [p.lo, p.hi, p.protocols]),
    );
  const { tcp, udp, icmp } = PwNetProto;
  assert.deepEqual(rows(netRule("any", null, null)), [[0, 65535, tcp | udp | icmp]]);
  assert.deepEqual(rows(netRule("ping", null, ["icmp"])), [[0, 65535, icmp]]);
  assert.deepEqual(rows(netRule("ports", [{ lo: 7, hi: 7 }], null)), [[7, 7, tcp | udp]]);
  assert.deepEqual(rows(netRule("udp7", [{ lo: 7, hi: 7 }], ["udp", "icmp"])), [[7, 7, udp]]);
  assert.deepEqual(rows(netRule("never", [{ lo: 7, hi: 7 }], ["icmp"])), [], "matches nothing");
});

test("more port/protocol rows than an entry holds is an error naming the rules", () => {
  const rules = Array.from({ length: NET_PORTS + 1 }, (_, i) =>
    portRule(`p${i}`, 100 + 2 * i, 100 + 2 * i),
  );
  assert.throws(
    () => compilePolicy(policy(rules)),
    /network rules p0, p1, .* give 10\.0\.0\.0\/8 17 port\/protocol entries for one subject; at most 16/,
  );
});

test("the trie key: header bits plus the prefix, the address in network order", () => {
  const key = encodeNetKey({
    exe: 1,
    place: 2,
    identKind: 3,
    ident: 1000,
    family: 4,
    addr: 0xa9fea9fen,
    prefix: 32,
  });
  assert.equal(key.readUInt32LE(0), 128 + 32);
  assert.deepEqual([...key.subarray(20, 24)], [169, 254, 169, 254]);
  assert.deepEqual([...key.subarray(24)], Array<number>(12).fill(0));
  const v6 = encodeNetKey({
    ...{ exe: 0, place: 0, identKind: 0, ident: 0 },
    ...cidr("fd00:ec2::254/128"),
  });
  assert.deepEqual([...v6.subarray(20, 24)], [0xfd, 0x00, 0x0e, 0xc2]);
  assert.equal(v6.readUInt8(35), 0x54);
});
