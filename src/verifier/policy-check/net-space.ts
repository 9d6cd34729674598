// The network request space cut into finitely many classes. decide() and the
// kernel's trie look at a destination only through the named prefixes that
// contain it (the policy's CIDRs, the image's trie keys), so addresses with
// the same named prefixes above them are decided alike: one class per
// deepest named prefix (and one for "none"), found by cutting the address
// line at every named prefix's ends. Ports are compared only with the ends of
// the port ranges named at a prefix, so the ranges' ends cut 0-65535 into
// port classes. IPv4-mapped IPv6 destinations are decided as IPv4 on both
// sides (decide()'s unmapV4, the kernel's pw_read_dest), so no IPv6 lookup
// ever sees the mapped range: its classes are left out.
import { PwNetProto } from "../../abi/policy-records.js";
import { bitsOf, type Cidr } from "../../policy/cidr.js";
import type { PortRange } from "../../policy/ports.js";
import type { Protocol } from "../../policy/schema-resources.js";
import { cidrKey } from "./net-tables.js";
import type { NetPort } from "../../abi/policy-records.js";

/** ::ffff:0:0/96 */
const MAPPED_V4: Cidr = { family: 6, addr: 0xffffn << 32n, prefix: 96 };
const MAX_PORT = 65535;
export const ALL_PORTS: readonly PortRange[] = [{ lo: 0, hi: MAX_PORT }];
const PORTED: readonly Protocol[] = ["tcp", "udp"];

const size = (c: Cidr) => 1n << BigInt(bitsOf(c.family) - c.prefix);
const contains = (c: Cidr, addr: bigint) => addr >= c.addr && addr < c.addr + size(c);

/** Whether no IPv6 lookup can ever reach `c`: it lies in the IPv4-mapped range. */
export const unreachableV6 = (c: Cidr): boolean =>
  c.family === 6 && c.prefix >= MAPPED_V4.prefix && contains(MAPPED_V4, c.addr);

export const keyOf = (c: Cidr): string => cidrKey(c.family, c.addr, c.prefix);

/** One class of destinations: an address of it and its named prefixes, deepest first. */
export interface AddressClass {
  readonly addr: bigint;
  readonly chain: readonly Cidr[];
}

export class AddressSpace {
  private readonly named = new Map<string, Cidr>();
  /** per family, the prefix lengths that occur, longest first */
  private readonly lengths = new Map<4 | 6, number[]>();
  private readonly classCache = new Map<4 | 6, AddressClass[]>();

  constructor(prefixes: Iterable<Cidr>) {
    for (const c of prefixes) this.named.set(keyOf(c), c);
    for (const family of [4, 6] as const) {
      const ls = new Set(
        [...this.named.values()].filter((c) => c.family === family).map((c) => c.prefix),
      );
      this.lengths.set(
        family,
        [...ls].sort((a, b) => b - a),
      );
    }
  }

  prefixes(family: 4 | 6): Cidr[] {
    return [...this.named.values()].filter((c) => c.family === family);
  }

  /** The named prefixes that contain `addr`, deepest first. */
  chain(family: 4 | 6, addr: bigint): Cidr[] {
    const out: Cidr[] = [];
    const bits = bitsOf(family);
    for (const l of this.lengths.get(family) ?? []) {
      const masked = (addr >> BigInt(bits - l)) << BigInt(bits - l);
      const c = this.named.get(cidrKey(family, masked, l));
      if (c !== undefined) out.push(c);
    }
    return out;
  }

  /** Every class of the family with an address outside the mapped range, by address. */
  classes(family: 4 | 6): readonly AddressClass[] {
    const cached = this.classCache.get(family);
    if (cached !== undefined) return cached;
    const top = 1n << BigInt(bitsOf(family));
    const ends = new Set<bigint>([0n]);
    const cut = [...this.prefixes(family), ...(family === 6 ? [MAPPED_V4] : [])];
    for (const c of cut) {
      ends.add(c.addr);
      if (c.addr + size(c) < top) ends.add(c.addr + size(c));
    }
    const seen = new Set<string>();
    const out: AddressClass[] = [];
    for (const addr of [...ends].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (family === 6 && contains(MAPPED_V4, addr)) continue;
      const chain = this.chain(family, addr);
      const id = chain[0] === undefined ? "none" : keyOf(chain[0]);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ addr, chain });
    }
    this.classCache.set(family, out);
    return out;
  }

  /**
   * Addresses of up to `limit` classes inside `c` (reachable ones), those
   * `c` is the deepest named prefix of first.
   */
  inside(c: Cidr, limit: number): bigint[] {
    const all = this.classes(c.family);
    let lo = 0;
    for (let hi = all.length; lo < hi;) {
      const mid = (lo + hi) >> 1;
      if ((all[mid] as AddressClass).addr < c.addr) lo = mid + 1;
      else hi = mid;
    }
    const own: bigint[] = [];
    const below: bigint[] = [];
    for (let i = lo; i < all.length && own.length < limit; i++) {
      const k = all[i] as AddressClass;
      if (!contains(c, k.addr)) break;
      const mine = k.chain[0] !== undefined && keyOf(k.chain[0]) === keyOf(c);
      if (mine) own.push(k.addr);
      else if (below.length < limit) below.push(k.addr);
    }
    return [...own, ...below].slice(0, limit);
  }
}

/** The first port of each port class the ranges cut 0-65535 into. */
export function portClasses(
  ranges: Iterable<{ readonly lo: number; readonly hi: number }>,
): number[] {
  const ends = new Set<number>([0]);
  for (const r of ranges) {
    if (r.lo <= MAX_PORT) ends.add(r.lo);
    if (r.hi + 1 <= MAX_PORT) ends.add(r.hi + 1);
  }
  return [...ends].sort((a, b) => a - b);
}

/** (protocol, port) per class: each port class for tcp and udp; icmp once, at port 0. */
export function protocolPorts(
  ranges: Iterable<{ readonly lo: number; readonly hi: number }>,
): { protocol: Protocol; port: number }[] {
  const ports = portClasses(ranges);
  return [
    ...PORTED.flatMap((protocol) => ports.map((port) => ({ protocol, port }))),
    { protocol: "icmp", port: 0 },
  ];
}

/** The kernel's row match (pw_net_prefix_cb): the best score of a row for the port and protocol. */
export function bestRow(rows: readonly NetPort[], protocol: Protocol, port: number): bigint {
  const bit = PwNetProto[protocol];
  let best = 0n;
  for (const p of rows)
    if (p.lo <= port && port <= p.hi && (p.protocols & bit) !== 0 && p.score > best) best = p.score;
  return best;
}
