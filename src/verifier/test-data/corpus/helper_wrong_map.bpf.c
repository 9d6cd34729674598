#include "corpus.h"
/* bpf_ringbuf_reserve needs a ring buffer map, not a hash map. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
#ifdef FIXED
	__u64 *e = bpf_ringbuf_reserve(&events, 8, 0);
#else
	__u64 *e = bpf_ringbuf_reserve(&table, 8, 0); /* BUG */
#endif
	if (!e)
		return 0;
	*e = 1;
	bpf_ringbuf_submit(e, 0);
	return 0;
}
