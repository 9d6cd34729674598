#include "corpus.h"
/* A 16-byte record written at offset 16. */
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
#ifdef FIXED
	e[1] = 2;
#else
	e[2] = 2; /* BUG */
#endif
	bpf_ringbuf_submit(e, 0);
	return 0;
}
