#include "corpus.h"
/* A map key with padding bytes that were never written. */
struct deny_key {
	__u32 uid;
	/* 4 bytes of padding */
	__u64 ino;
};
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct deny_key);
	__type(value, __u8);
} denied SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
#ifdef FIXED
	struct deny_key k = {};
#else
	struct deny_key k;
#endif
	k.uid = (__u32)bpf_get_current_uid_gid();
	k.ino = file->f_inode->i_ino;
	if (bpf_map_lookup_elem(&denied, &k)) /* BUG */
		return -EPERM;
	return 0;
}
