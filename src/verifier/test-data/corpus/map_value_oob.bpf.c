#include "corpus.h"
/* An index into a map value's array masked one bit too wide. */
struct stats {
	__u64 slot[4];
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stats);
} stats SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	__u32 key = 0;
	struct stats *s = bpf_map_lookup_elem(&stats, &key);
	if (!s)
		return 0;
#ifdef FIXED
	__u32 i = UNKNOWN(file) & 3;
#else
	__u32 i = UNKNOWN(file) & 7;
#endif
	s->slot[i] += 1; /* BUG */
	return 0;
}
