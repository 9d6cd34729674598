#include "corpus.h"
/* Submitting a pointer into the middle of a record instead of the record. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	__u64 *e = bpf_ringbuf_reserve(&events, 16, 0);
	if (!e)
		return 0;
	e[0] = 1;
	e[1] = 2;
#ifdef FIXED
	bpf_ringbuf_submit(e, 0);
#else
	bpf_ringbuf_submit(&e[1], 0); /* BUG */
#endif
	return 0;
}
