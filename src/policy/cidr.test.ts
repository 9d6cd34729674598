import { test } from "node:test";
import assert from "node:assert/strict";
import { cidrContains, formatCidr, parseCidr, parseIp, unmapV4 } from "./cidr.js";
import { parsePortEntry } from "./ports.js";

function ok(text: string) {
  const r = parseCidr(text);
  assert.equal(r.kind, "ok", text);
  return r.kind === "ok" ? r : assert.fail();
}

test("IPv4 and IPv6 blocks parse to family, integer and prefix", () => {
  assert.deepEqual(ok("10.0.0.0/8").cidr, { family: 4, addr: 0x0a000000n, prefix: 8 });
  assert.deepEqual(ok("2001:db8::/32").cidr, { family: 6, addr: 0x20010db8n << 96n, prefix: 32 });
  assert.deepEqual(ok("::/0").cidr, { family: 6, addr: 0n, prefix: 0 });
  assert.deepEqual(ok("::ffff:1.2.3.4").cidr, {
    family: 6,
    addr: (0xffffn << 32n) | 0x01020304n,
    prefix: 128,
  });
  assert.equal(ok("169.254.169.254").cidr.prefix, 32);
});

test("host bits are cleared and flagged", () => {
  const r = ok("10.1.2.3/8");
  assert.equal(r.hostBits, true);
  assert.equal(formatCidr(r.cidr), "10.0.0.0/8");
  assert.equal(ok("10.0.0.0/8").hostBits, false);
  assert.equal(formatCidr(ok("2001:db8::1/32").cidr), "2001:db8::/32");
});

test("malformed addresses and prefixes are rejected", () => {
  for (const bad of [
    "10.0.0/8",
    "010.0.0.1",
    "256.0.0.1",
    "1.2.3.4/33",
    "1.2.3.4/-1",
    "1.2.3.4/08",
    "2001:db8::/129",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7:8::",
    "fe80::1%eth0",
    "",
    "example.com",
  ])
    assert.equal(parseCidr(bad).kind, "error", bad);
});

test("formatting follows RFC 5952 and round-trips", () => {
  for (const t of ["2001:db8::1/128", "::1/128", "fd00:ec2::254/128", "1:0:0:1::/64", "0.0.0.0/0"])
    assert.equal(formatCidr(ok(t).cidr), t);
});

test("containment and IPv4-mapped addresses", () => {
  const net = ok("10.0.0.0/8").cidr;
  const mapped = parseIp("::ffff:10.9.9.9");
  assert.ok(mapped);
  assert.equal(cidrContains(net, mapped.family, mapped.addr), false);
  const plain = unmapV4(mapped.family, mapped.addr);
  assert.equal(cidrContains(net, plain.family, plain.addr), true);
});

test("ports are 1-65535 and ranges need lo <= hi", () => {
  assert.deepEqual(parsePortEntry(443), { lo: 443, hi: 443 });
  assert.deepEqual(parsePortEntry("8000-8100"), { lo: 8000, hi: 8100 });
  for (const bad of [0, 65536, "9000-8000", "1-70000", "http", "08", -1, 1.5])
    assert.equal(parsePortEntry(bad), null, String(bad));
});
