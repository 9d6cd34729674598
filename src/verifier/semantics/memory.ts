import { assertNever } from "../isa/index.js";

// Typed memory regions for the concrete interpreter. Each region sits at its
// own 4 GiB-aligned synthetic base, so an access can only hit one region and
// any pointer arithmetic that leaves a region is caught as out-of-bounds.

export type RegionKind = "stack" | "ctx" | "packet" | "map-value" | "map" | "other";

export interface Region {
  readonly id: number;
  readonly name: string;
  readonly kind: RegionKind;
  readonly base: bigint;
  readonly bytes: Uint8Array;
  readonly writable: boolean;
}

export type MemFault =
  | { readonly kind: "out-of-bounds"; readonly addr: bigint; readonly size: number }
  | { readonly kind: "read-only"; readonly region: string; readonly addr: bigint };

export type MemResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly fault: MemFault };

export interface Memory {
  readonly regions: Region[];
}

const REGION_SPACING = 1n << 32n;

export const createMemory = (): Memory => ({ regions: [] });

export function addRegion(
  mem: Memory,
  spec: { name: string; kind: RegionKind; bytes: Uint8Array; writable?: boolean },
): Region {
  if (spec.bytes.length >= Number(REGION_SPACING))
    throw new Error("internal: region larger than 4 GiB");
  const id = mem.regions.length;
  const region: Region = {
    id,
    name: spec.name,
    kind: spec.kind,
    base: REGION_SPACING * BigInt(id + 1),
    bytes: spec.bytes,
    writable: spec.writable ?? true,
  };
  mem.regions.push(region);
  return region;
}

/** The region and offset for [addr, addr+size), or a fault. */
export function locate(
  mem: Memory,
  addr: bigint,
  size: number,
): MemResult<{ region: Region; offset: number }> {
  const index = Number(addr / REGION_SPACING) - 1;
  const region = mem.regions[index];
  const offset = region === undefined ? -1 : Number(addr - region.base);
  if (region === undefined || offset < 0 || offset + size > region.bytes.length) {
    return { ok: false, fault: { kind: "out-of-bounds", addr, size } };
  }
  return { ok: true, value: { region, offset } };
}

/** Little-endian unsigned load of 1, 2, 4 or 8 bytes. */
export function load(mem: Memory, addr: bigint, size: number): MemResult<bigint> {
  const at = locate(mem, addr, size);
  if (!at.ok) return at;
  const { region, offset } = at.value;
  let value = 0n;
  for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(region.bytes[offset + i] ?? 0);
  return { ok: true, value };
}

/** Little-endian store of the low `size` bytes of value. */
export function store(
  mem: Memory,
  addr: bigint,
  size: number,
  value: bigint,
): MemResult<undefined> {
  const at = locate(mem, addr, size);
  if (!at.ok) return at;
  const { region, offset } = at.value;
  if (!region.writable)
    return { ok: false, fault: { kind: "read-only", region: region.name, addr } };
  for (let i = 0; i < size; i++)
    region.bytes[offset + i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return { ok: true, value: undefined };
}

export function describeFault(f: MemFault): string {
  switch (f.kind) {
    case "out-of-bounds":
      return `access of ${f.size} bytes at 0x${f.addr.toString(16)} is outside every region`;
    case "read-only":
      return `store to read-only region ${f.region} at 0x${f.addr.toString(16)}`;
    default:
      return assertNever(f);
  }
}
