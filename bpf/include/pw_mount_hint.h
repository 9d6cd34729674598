/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Which mount an inode hook's dentry was reached through. The inode hooks
 * (create, delete, rename, link, setattr) get a dentry and no mount; the
 * kernel calls the path_* hook of the same system call first, with the
 * mount. That hook leaves a hint for the calling thread: the mount and the
 * dentries the operation names. The inode hook that follows on one of those
 * dentries takes the mount from the hint, so its walk crosses mount points as
 * file_open's does, and it still decides alone: once per operation, also
 * for the calls no path_* hook precedes (utimes, the kernel's own calls from
 * nfsd or overlayfs), which walk inside the file's filesystem as before
 * (docs/enforcement.md, "The walk across mounts").
 * Requires vmlinux.h, bpf_helpers.h and bpf_core_read.h first. */
#ifndef PW_MOUNT_HINT_H
#define PW_MOUNT_HINT_H

/* struct iattr's ia_valid bits (include/linux/fs.h), stable across kernels. */
#define PW_ATTR_MODE (1u << 0)
#define PW_ATTR_UID (1u << 1)
#define PW_ATTR_GID (1u << 2)
#define PW_ATTR_SIZE (1u << 3)
#define PW_ATTR_KILL_SUID (1u << 11)
#define PW_ATTR_KILL_SGID (1u << 12)
#define PW_ATTR_KILL_PRIV (1u << 14)
/* What chown_common may pass to notify_change besides the times: the ids,
 * and on a file the privilege bits it drops (which become ATTR_MODE). */
#define PW_ATTR_CHOWN (PW_ATTR_UID | PW_ATTR_GID | PW_ATTR_MODE | PW_ATTR_KILL_SUID | \
		       PW_ATTR_KILL_SGID | PW_ATTR_KILL_PRIV)

struct pw_mount_hint {
	__u64 mnt;      /* struct vfsmount * the operation's path named */
	__u64 entry[2]; /* the dentries it is about (0: none) */
	__u32 attrs;    /* setattr: the ia_valid bits its path hook stands for */
	__u32 pad;
};

/* Thread id -> the last hint. LRU: a thread that never reaches its inode
 * hook (the operation failed in between) leaves a hint that only a later
 * operation on the same dentry could use, and that takes a mount the thread
 * reached it through; an evicted hint costs only the crossing. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct pw_mount_hint);
} pw_mount_hints SEC(".maps");

/* Records, for this thread, that a and b (either may be NULL) are reached
 * through mnt; attrs for the setattr hooks, 0 otherwise. */
static __always_inline void pw_hint(struct vfsmount *mnt, struct dentry *a, struct dentry *b,
				    __u32 attrs)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pw_mount_hint h = {
		.mnt = (__u64)mnt,
		.entry = { (__u64)a, (__u64)b },
		.attrs = attrs,
	};

	bpf_map_update_elem(&pw_mount_hints, &tid, &h, BPF_ANY);
}

/* The mount this thread's path hook named d through, or NULL. A setattr
 * hook passes its ia_valid: only a hint of a path hook that stands for one
 * of those changes counts (utimes has no path hook, and must not take the
 * mount a chmod of the same file used). */
static __always_inline struct vfsmount *pw_hinted_mount(struct dentry *d, __u32 ia_valid)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pw_mount_hint *h = bpf_map_lookup_elem(&pw_mount_hints, &tid);

	if (!h || !d || (h->entry[0] != (__u64)d && h->entry[1] != (__u64)d))
		return NULL;
	if (ia_valid && !(h->attrs & ia_valid))
		return NULL;
	return (struct vfsmount *)h->mnt;
}

#endif
