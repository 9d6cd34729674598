#include "corpus.h"
/* A write just past the end of a 4-byte map value. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} seen SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	__u32 key = 7;
	__u32 *v = bpf_map_lookup_elem(&seen, &key);
	if (!v)
		return 0;
#ifdef FIXED
	*(volatile __u32 *)v = 1;
#else
	*(volatile __u64 *)v = 1; /* BUG */
#endif
	return 0;
}
