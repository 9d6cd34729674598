// Bounds the kernel programs work within. decide() applies the same bounds, so
// the reference and the kernel agree on every request, including deep ones.

/** cgroup levels below the root a placement may sit at (bpf_get_current_ancestor_cgroup_id). */
export const MAX_CGROUP_LEVEL = 15;

/** Ancestor directories of a file the kernel walks (nearest first) when matching trees. */
export const MAX_FILE_ANCESTORS = 32;

/** Supplementary groups of a task the kernel reads from its credentials. */
export const MAX_SUPPLEMENTARY_GROUPS = 32;

/** The audit login uid of a task that never logged in ((uid_t)-1). */
export const LOGINUID_UNSET = 4294967295;
