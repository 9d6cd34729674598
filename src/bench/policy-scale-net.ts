// The network-heavy shape of the policy-check benchmark: every rule a network
// rule, its CIDRs drawn from a nested address plan (IPv4 hosts in /24
// subnets in /16s in 10.0.0.0/8 under 0.0.0.0/0, IPv6 hosts in /48s in
// 2001:db8::/32 under ::/0), so prefixes overlap at every length. Hosts and
// subnets carry ports and protocols; the broad blocks name none or one port
// set, as a real egress policy does (and as pw_net's 16 rows per entry allow).
import type { Rng } from "../compile/random-world.js";
import type { Cidr } from "../policy/cidr.js";
import type { Action, Resource, Rule, Subject } from "../policy/model.js";
import type { PortRange } from "../policy/ports.js";
import type { Protocol } from "../policy/schema-resources.js";

const PORT_SETS: readonly (readonly PortRange[] | null)[] = [
  null,
  [{ lo: 22, hi: 22 }],
  [
    { lo: 80, hi: 80 },
    { lo: 443, hi: 443 },
  ],
  [{ lo: 5432, hi: 5432 }],
  [{ lo: 8000, hi: 8999 }],
];
const PROTOCOL_SETS: readonly (readonly Protocol[] | null)[] = [null, ["tcp"], ["udp"]];

const v4 = (a: number, b: number, c: number, d: number, prefix: number): Cidr => ({
  family: 4,
  addr: BigInt(((a << 24) | (b << 16) | (c << 8) | d) >>> 0),
  prefix,
});

const v6 = (site: number, host: number, prefix: number): Cidr => ({
  family: 6,
  addr: (0x20010db8n << 96n) | (BigInt(site) << 80n) | BigInt(host),
  prefix,
});

/** One CIDR of the plan: mostly hosts and subnets, now and then a broad block. */
function planCidr(r: Rng, subnets: number): { cidr: Cidr; narrow: boolean } {
  const s = r.int(subnets);
  const roll = r.next();
  if (roll < 0.45) return { cidr: v4(10, s >> 8, s & 255, 1 + r.int(254), 32), narrow: true };
  if (roll < 0.65) return { cidr: v4(10, s >> 8, s & 255, 0, 24), narrow: true };
  if (roll < 0.72) return { cidr: v4(10, s >> 8, 0, 0, 16), narrow: false };
  if (roll < 0.74)
    return { cidr: r.chance(0.5) ? v4(10, 0, 0, 0, 8) : v4(0, 0, 0, 0, 0), narrow: false };
  if (roll < 0.94) return { cidr: v6(s, 1 + r.int(0xffff), 128), narrow: true };
  if (roll < 0.98) return { cidr: v6(s, 0, 48), narrow: false };
  return { cidr: r.chance(0.5) ? v6(0, 0, 32) : { family: 6, addr: 0n, prefix: 0 }, narrow: false };
}

function networkResource(r: Rng, subnets: number): Resource {
  const picks = Array.from({ length: 1 + r.int(2) }, () => planCidr(r, subnets));
  const narrow = picks.every((p) => p.narrow);
  return {
    kind: "network",
    cidrs: picks.map((p) => p.cidr),
    ports: narrow ? r.pick(PORT_SETS) : r.chance(0.7) ? null : [{ lo: 443, hi: 443 }],
    protocols: narrow ? r.pick(PROTOCOL_SETS) : null,
  };
}

export function networkRule(
  r: Rng,
  index: number,
  rules: number,
  subjects: () => readonly Subject[],
): Rule {
  return {
    id: `r${index}`,
    index,
    action: r.pick<Action>(["allow", "deny", "audit"]),
    subjects: subjects(),
    resource: networkResource(r, Math.max(4, Math.ceil(rules / 20))),
  };
}
