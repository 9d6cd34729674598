// Random network, sockets and unix resources and requests for the
// differential tests: CIDRs drawn around a few anchors (so prefixes nest and
// overlap), IPv4-mapped IPv6 destinations, port ranges that overlap, and the
// socket families the policy language names most often.
import type { FileKey } from "../abi/file-key.js";
import { maskOf } from "../policy/cidr.js";
import type { Cidr } from "../policy/cidr.js";
import type { Resource } from "../policy/model.js";
import type { PortRange } from "../policy/ports.js";
import type { Protocol } from "../policy/schema-resources.js";
import type { Request, SubjectIdentity } from "../policy/request.js";
import type { Rng } from "./random-world.js";

const V4_ANCHORS = [0x0a010203n, 0x0a01ff01n, 0xa9fea9fen, 0xc0a80001n, 0x08080808n];
const V6_ANCHORS = [
  0x20010db8_00000000_00000000_00000001n,
  0x20010db8_00010000_00000000_00000005n,
  0xfd000ec2_00000000_00000000_00000254n,
  0x00000000_00000000_00000000_00000001n,
];
const PORT_SETS: readonly (readonly PortRange[])[] = [
  [{ lo: 22, hi: 22 }],
  [
    { lo: 80, hi: 80 },
    { lo: 443, hi: 443 },
  ],
  [{ lo: 1, hi: 1024 }],
  [{ lo: 1024, hi: 65535 }],
  [
    { lo: 8000, hi: 9000 },
    { lo: 53, hi: 53 },
  ],
];
const REQUEST_PORTS = [22, 53, 80, 443, 1024, 8080, 8500, 65535, 1];
// With ports, a set naming icmp is a parse error, but decide() still gives it a
// meaning (the rule never matches icmp): the compiler must agree on that too.
const PROTOCOL_SETS: readonly (readonly Protocol[] | null)[] = [
  null,
  ["tcp"],
  ["udp"],
  ["tcp", "udp"],
  ["icmp"],
  ["udp", "icmp"],
];
const REQUEST_PROTOCOLS: readonly Protocol[] = ["tcp", "tcp", "tcp", "udp", "udp", "icmp"];
const FAMILIES = [1, 2, 10, 17, 40];
const TYPES = [1, 2, 3, 5];

function nearby(r: Rng, family: 4 | 6): bigint {
  const anchor = r.pick(family === 4 ? V4_ANCHORS : V6_ANCHORS);
  // Flip a low or a middle bit sometimes, so some destinations leave the longer prefixes.
  if (r.chance(0.5)) return anchor;
  const bits = family === 4 ? 32 : 128;
  return anchor ^ (1n << BigInt(r.int(bits / 2)));
}

function randomCidr(r: Rng): Cidr {
  const family = r.chance(0.65) ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const prefix = r.pick([0, 8, 16, 24, bits, r.int(bits + 1)].filter((p) => p <= bits));
  return { family, addr: nearby(r, family) & maskOf(family, prefix), prefix };
}

export function randomNetworkResource(r: Rng): Resource {
  const cidrs = Array.from({ length: 1 + r.int(2) }, () => randomCidr(r));
  const protocols = r.pick(PROTOCOL_SETS);
  // Mostly as the parser allows (icmp without ports), sometimes not.
  const portless = r.chance(protocols?.includes("icmp") === true ? 0.8 : 0.4);
  return { kind: "network", cidrs, ports: portless ? null : r.pick(PORT_SETS), protocols };
}

export function randomSocketsResource(r: Rng): Resource {
  return {
    kind: "sockets",
    families: FAMILIES.filter(() => r.chance(0.4)).concat(r.pick(FAMILIES)),
    types: r.chance(0.5) ? null : TYPES.filter(() => r.chance(0.5)).concat(r.pick(TYPES)),
  };
}

export function randomUnixResource(r: Rng, sockets: readonly FileKey[]): Resource {
  return { kind: "unix", sockets: [r.pick(sockets), r.pick(sockets)].slice(0, 1 + r.int(2)) };
}

export function randomNetRequest(
  r: Rng,
  subject: SubjectIdentity,
  sockets: readonly FileKey[],
): Request {
  const roll = r.next();
  if (roll < 0.65) {
    let family: 4 | 6 = r.chance(0.6) ? 4 : 6;
    let addr = nearby(r, family);
    if (family === 4 && r.chance(0.2)) {
      family = 6;
      addr = (0xffffn << 32n) | addr; // ::ffff:a.b.c.d
    }
    return {
      kind: r.chance(0.7) ? "connect" : "sendmsg",
      family,
      addr,
      // An ICMP request keeps a random port: the port must not matter.
      port: r.pick(REQUEST_PORTS),
      protocol: r.pick(REQUEST_PROTOCOLS),
      subject,
    };
  }
  if (roll < 0.85)
    return {
      kind: "socket-create",
      family: r.pick([...FAMILIES, 16]),
      type: r.pick([...TYPES, 10]),
      subject,
    };
  return { kind: "unix-connect", socket: r.pick(sockets), subject };
}
