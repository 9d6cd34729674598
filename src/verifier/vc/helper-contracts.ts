// The helper contract table: for each supported helper, what each argument
// register must hold and what r0 holds afterwards. Argument kinds follow the
// kernel's bpf_func_proto (ARG_CONST_MAP_PTR, ARG_PTR_TO_MAP_KEY, ...), cut
// down to what the obligations distinguish.

export type ArgKind =
  /** any initialized value */
  | "scalar"
  /** a map (lddw of a map) */
  | "map"
  /** a ring buffer map */
  | "ringbuf-map"
  /** readable pointer to key_size initialized bytes of the map in arg 1 */
  | "map-key"
  /** readable pointer to value_size initialized bytes of the map in arg 1 */
  | "map-value"
  /** writable buffer whose size is the next argument (a constant) */
  | "out-buffer"
  /** the constant size of the previous buffer argument */
  | "buffer-size"
  /** a constant allocation size */
  | "alloc-size"
  /** a non-null ring buffer record at offset 0 */
  | "ringbuf-record";

export type ResultKind =
  | "scalar"
  /** 0 or -errno */
  | "errno"
  /** NULL or a pointer to the value of the map in arg 1 */
  | "map-value-or-null"
  /** NULL or a pointer to a fresh record of arg 2 bytes */
  | "ringbuf-or-null"
  /** a trusted, non-NULL kernel (BTF) pointer, e.g. the current task */
  | "kernel-ptr"
  /** r0 is not readable afterwards */
  | "void";

export interface HelperContract {
  readonly id: number;
  readonly name: string;
  readonly args: readonly ArgKind[];
  readonly result: ResultKind;
}

const CONTRACTS: readonly HelperContract[] = [
  { id: 1, name: "map_lookup_elem", args: ["map", "map-key"], result: "map-value-or-null" },
  {
    id: 2,
    name: "map_update_elem",
    args: ["map", "map-key", "map-value", "scalar"],
    result: "errno",
  },
  { id: 3, name: "map_delete_elem", args: ["map", "map-key"], result: "errno" },
  { id: 5, name: "ktime_get_ns", args: [], result: "scalar" },
  { id: 14, name: "get_current_pid_tgid", args: [], result: "scalar" },
  { id: 15, name: "get_current_uid_gid", args: [], result: "scalar" },
  { id: 16, name: "get_current_comm", args: ["out-buffer", "buffer-size"], result: "errno" },
  { id: 80, name: "get_current_cgroup_id", args: [], result: "scalar" },
  {
    id: 113,
    name: "probe_read_kernel",
    args: ["out-buffer", "buffer-size", "scalar"],
    result: "errno",
  },
  {
    id: 131,
    name: "ringbuf_reserve",
    args: ["ringbuf-map", "alloc-size", "scalar"],
    result: "ringbuf-or-null",
  },
  { id: 123, name: "get_current_ancestor_cgroup_id", args: ["scalar"], result: "scalar" },
  { id: 158, name: "get_current_task_btf", args: [], result: "kernel-ptr" },
  { id: 132, name: "ringbuf_submit", args: ["ringbuf-record", "scalar"], result: "void" },
  { id: 133, name: "ringbuf_discard", args: ["ringbuf-record", "scalar"], result: "void" },
];

export const HELPERS: ReadonlyMap<number, HelperContract> = new Map(
  CONTRACTS.map((c) => [c.id, c]),
);

/** -MAX_ERRNO: the most negative errno a helper or an LSM hook may return. */
export const MAX_ERRNO = 4095;
