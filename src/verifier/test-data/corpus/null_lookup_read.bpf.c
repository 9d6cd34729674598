#include "corpus.h"
/* The NULL check is on the wrong pointer: the value is read unchecked. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} limits SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	__u32 key = 1;
	__u32 *limit = bpf_map_lookup_elem(&limits, &key);
#ifdef FIXED
	if (limit && UNKNOWN(file) > *limit)
#else
	if (file && UNKNOWN(file) > *limit) /* BUG */
#endif
		return -EPERM;
	return 0;
}
