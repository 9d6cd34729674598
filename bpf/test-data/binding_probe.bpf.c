// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test fixture for the libbpf binding: an LSM program whose behaviour depends
 * on .rodata set before load (target_tgid, magic), a ring buffer it writes, a
 * cgroup program that refuses socket creation, and an array map. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

const volatile __u32 target_tgid = 0;
const volatile __u64 magic = 0;

struct probe_record {
	__u64 magic;
	__u64 ino;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} probe_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} probe_opens SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(probe_file_open, struct file *file, int ret)
{
	struct probe_record *r;
	__u32 zero = 0;
	__u64 *count;

	if (ret || (bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return ret;
	count = bpf_map_lookup_elem(&probe_opens, &zero);
	if (count)
		__sync_fetch_and_add(count, 1);
	r = bpf_ringbuf_reserve(&probe_events, sizeof(*r), 0);
	if (!r)
		return 0;
	r->magic = magic;
	r->ino = file->f_inode->i_ino;
	bpf_ringbuf_submit(r, 0);
	return 0;
}

/* Returning 0 from cgroup/sock_create refuses socket(2) with EPERM. */
SEC("cgroup/sock_create")
int probe_deny_sockets(struct bpf_sock *sk)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
