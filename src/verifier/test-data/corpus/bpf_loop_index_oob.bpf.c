#include "corpus.h"
/* A bpf_loop callback writes the caller's buffer at its iteration number,
 * which runs up to the loop count, past the end of the buffer. */
struct loop_ctx {
	__u8 seen[16];
};

static long mark(__u32 i, void *data)
{
	struct loop_ctx *c = data;

#ifdef FIXED
	if (i >= sizeof(c->seen))
		return 1;
#endif
	c->seen[i] = 1; /* BUG */
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	struct loop_ctx c = {};

	bpf_loop(32, mark, &c, 0);
	return c.seen[3] ? 0 : 0;
}
