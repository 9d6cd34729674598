#include "corpus.h"
/* A ring buffer reservation can fail; the record is written unchecked. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	__u64 *e = bpf_ringbuf_reserve(&events, 8, 0);
#ifdef FIXED
	if (!e)
		return 0;
#endif
	*e = UNKNOWN(file); /* BUG */
	bpf_ringbuf_submit(e, 0);
	return 0;
}
