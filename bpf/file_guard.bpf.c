// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* file_guard: the first enforcement. LSM file_open denies opening a protected
 * file (device + inode) to processes whose cgroup v2 id is listed, and reports
 * each denial through a ring buffer. The program holds no policy: both lists
 * are maps that user space fills, so a change never reloads the program. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "pw_abi.h"

#define EPERM 1 /* vmlinux.h carries no macros */

PW_ABI_EXPORT();

/* Audit mode: report, but allow. Set through .rodata before load. */
const volatile bool audit_only = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct pw_file_key);
	__type(value, __u8);
} pw_protected_files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64); /* cgroup v2 id */
	__type(value, __u8);
} pw_confined_cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} pw_events SEC(".maps");

static __always_inline void report(struct pw_file_key *key, __u64 cgroup_id, __u32 verdict)
{
	struct pw_event *e = bpf_ringbuf_reserve(&pw_events, sizeof(*e), 0);
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	if (!e)
		return;
	e->ts_ns = bpf_ktime_get_ns();
	e->cgroup_id = cgroup_id;
	e->ino = key->ino;
	e->dev = key->dev;
	e->pid = (__u32)pid_tgid;
	e->tgid = pid_tgid >> 32;
	e->uid = (__u32)uid_gid;
	e->gid = uid_gid >> 32;
	e->hook = PW_HOOK_FILE_OPEN;
	e->verdict = verdict;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

SEC("lsm/file_open")
int BPF_PROG(pw_file_open, struct file *file, int ret)
{
	struct pw_file_key key = {};
	__u64 cgroup_id;

	if (ret)
		return ret; /* an earlier LSM already denied */

	/* Direct BTF pointer reads: vmlinux.h marks every type with
	 * preserve_access_index, so these offsets are CO-RE relocated. */
	key.ino = file->f_inode->i_ino;
	key.dev = file->f_inode->i_sb->s_dev;
	if (!bpf_map_lookup_elem(&pw_protected_files, &key))
		return 0;

	cgroup_id = bpf_get_current_cgroup_id();
	if (!bpf_map_lookup_elem(&pw_confined_cgroups, &cgroup_id))
		return 0;

	report(&key, cgroup_id, audit_only ? PW_VERDICT_AUDIT : PW_VERDICT_DENY);
	return audit_only ? 0 : -EPERM;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
