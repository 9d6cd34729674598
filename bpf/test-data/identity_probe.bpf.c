// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test fixture for pw_helpers.h: when a file with inode target_ino is opened,
 * report the opener's identity and the file's ancestor chain. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "pw_abi.h"
#include "pw_helpers.h"

const volatile __u64 target_ino = 0;

struct identity_record {
	struct pw_subject subject;
	__u32 chain_len;
	__u32 pad;
	struct pw_file_key chain[PW_MAX_PATH_DEPTH];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} identity_events SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(identity_file_open, struct file *file, int ret)
{
	struct identity_record *r;

	if (ret || file->f_inode->i_ino != target_ino)
		return ret;
	r = bpf_ringbuf_reserve(&identity_events, sizeof(*r), 0);
	if (!r)
		return 0;
	pw_current_subject(&r->subject);
	r->chain_len = pw_dentry_chain(file->f_path.dentry, r->chain);
	r->pad = 0;
	bpf_ringbuf_submit(r, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
