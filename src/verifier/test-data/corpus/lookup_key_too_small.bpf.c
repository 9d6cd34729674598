#include "corpus.h"
/* A 4-byte key handed to a map whose keys are 8 bytes. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u64);
	__type(value, __u64);
} by_id SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
#ifdef FIXED
	__u64 id = UNKNOWN(file);
#else
	__u32 id = UNKNOWN(file);
#endif
	asm volatile("" : "+r"(id));
	if (bpf_map_lookup_elem(&by_id, &id)) /* BUG */
		return -EPERM;
	return 0;
}
