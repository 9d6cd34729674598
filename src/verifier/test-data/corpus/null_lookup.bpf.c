#include "corpus.h"
/* A map value used without checking that the lookup found anything. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&counts, &key);
#ifdef FIXED
	if (!v)
		return 0;
#endif
	*v += 1; /* BUG */
	return 0;
}
