// enum bpf_map_type values from the UAPI <linux/bpf.h>; stable across kernels.
export const MapType = {
  hash: 1,
  array: 2,
  progArray: 3,
  perfEventArray: 4,
  percpuHash: 5,
  percpuArray: 6,
  stackTrace: 7,
  cgroupArray: 8,
  lruHash: 9,
  lruPercpuHash: 10,
  lpmTrie: 11,
  arrayOfMaps: 12,
  hashOfMaps: 13,
  inodeStorage: 28,
  ringbuf: 27,
  taskStorage: 29,
} as const;

const names = new Map<number, string>(Object.entries(MapType).map(([n, v]) => [v, n]));

export function mapTypeName(type: number): string {
  return names.get(type) ?? `type ${type}`;
}

export function isPerCpuMapType(type: number): boolean {
  return (
    type === MapType.percpuHash || type === MapType.percpuArray || type === MapType.lruPercpuHash
  );
}
