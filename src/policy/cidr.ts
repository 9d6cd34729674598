// IPv4/IPv6 addresses and CIDR blocks as (family, 128-bit-or-less integer,
// prefix length): the shape an LPM trie key takes. Parsing is strict: no
// leading zeros in dotted quads (inet_aton would read them as octal), no zone
// ids, and a bare address means a single host.

export interface Cidr {
  readonly family: 4 | 6;
  readonly addr: bigint;
  readonly prefix: number;
}

export type CidrParse =
  | { readonly kind: "ok"; readonly cidr: Cidr; readonly hostBits: boolean }
  | { readonly kind: "error"; readonly why: string };

export function bitsOf(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

export function parseIpv4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    value = (value << 8n) | BigInt(p);
  }
  return value;
}

function parseGroups(text: string): bigint[] | null {
  if (text === "") return [];
  const out: bigint[] = [];
  const parts = text.split(":");
  for (const [i, p] of parts.entries()) {
    if (i === parts.length - 1 && p.includes(".")) {
      const v4 = parseIpv4(p);
      if (v4 === null) return null;
      out.push(v4 >> 16n, v4 & 0xffffn);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(BigInt(`0x${p}`));
    else return null;
  }
  return out;
}

export function parseIpv6(text: string): bigint | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0] ?? "");
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? "") : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<bigint>(missing).fill(0n), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

export function parseIp(text: string): { family: 4 | 6; addr: bigint } | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { family: 4, addr: v4 };
  const v6 = text.includes(":") ? parseIpv6(text) : null;
  return v6 === null ? null : { family: 6, addr: v6 };
}

export function maskOf(family: 4 | 6, prefix: number): bigint {
  const bits = BigInt(bitsOf(family));
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

export function parseCidr(text: string): CidrParse {
  const slash = text.indexOf("/");
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(addrText);
  if (ip === null) return { kind: "error", why: `${addrText} is not an address` };
  const max = bitsOf(ip.family);
  const lenText = slash < 0 ? String(max) : text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(lenText) || Number(lenText) > max)
    return { kind: "error", why: `prefix length must be 0-${max}` };
  const prefix = Number(lenText);
  const addr = ip.addr & maskOf(ip.family, prefix);
  return { kind: "ok", cidr: { family: ip.family, addr, prefix }, hostBits: addr !== ip.addr };
}

export function formatIp(family: 4 | 6, addr: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((addr >> s) & 0xffn)).join(".");
  const groups = [...Array(8).keys()].map((i) => (addr >> BigInt(112 - 16 * i)) & 0xffffn);
  // Compress the longest run of two or more zero groups (RFC 5952).
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0n) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.len).join(":")}`;
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.family, c.addr)}/${c.prefix}`;
}

export function cidrContains(c: Cidr, family: 4 | 6, addr: bigint): boolean {
  return c.family === family && (addr & maskOf(family, c.prefix)) === c.addr;
}

/** ::ffff:a.b.c.d is an IPv4 peer; rules on IPv4 blocks must see it as one. */
export function unmapV4(family: 4 | 6, addr: bigint): { family: 4 | 6; addr: bigint } {
  if (family === 6 && addr >> 32n === 0xffffn) return { family: 4, addr: addr & 0xffffffffn };
  return { family, addr };
}

/** Cloud instance metadata endpoints behind `cloudMetadata: true` (AWS, GCP, Azure, OCI; AWS IPv6). */
export const CLOUD_METADATA_CIDRS: readonly string[] = ["169.254.169.254/32", "fd00:ec2::254/128"];
