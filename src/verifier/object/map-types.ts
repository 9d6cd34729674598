// enum bpf_map_type names, in the kernel's order (include/uapi/linux/bpf.h).
const NAMES = [
  "UNSPEC",
  "HASH",
  "ARRAY",
  "PROG_ARRAY",
  "PERF_EVENT_ARRAY",
  "PERCPU_HASH",
  "PERCPU_ARRAY",
  "STACK_TRACE",
  "CGROUP_ARRAY",
  "LRU_HASH",
  "LRU_PERCPU_HASH",
  "LPM_TRIE",
  "ARRAY_OF_MAPS",
  "HASH_OF_MAPS",
  "DEVMAP",
  "SOCKMAP",
  "CPUMAP",
  "XSKMAP",
  "SOCKHASH",
  "CGROUP_STORAGE",
  "REUSEPORT_SOCKARRAY",
  "PERCPU_CGROUP_STORAGE",
  "QUEUE",
  "STACK",
  "SK_STORAGE",
  "DEVMAP_HASH",
  "STRUCT_OPS",
  "RINGBUF",
  "INODE_STORAGE",
  "TASK_STORAGE",
  "BLOOM_FILTER",
  "USER_RINGBUF",
  "CGRP_STORAGE",
  "ARENA",
];

export const MAP_TYPE_NAMES: readonly string[] = NAMES.map((n) => `BPF_MAP_TYPE_${n}`);

export function mapTypeName(type: number): string {
  return MAP_TYPE_NAMES[type] ?? `BPF_MAP_TYPE_${type}`;
}
