#include "corpus.h"
/* A value the callback carries from one iteration to the next: after one
 * run it is in bounds, so a check that runs the callback a single time
 * would accept the caller's unchecked use; after four iterations it is past
 * the end of the caller's buffer. */
struct loop_ctx {
	__u32 at;
};

static long step(__u32 i, void *data)
{
	struct loop_ctx *c = data;

	c->at += 4;
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	volatile __u8 buf[16] = {};
	struct loop_ctx c = {};

	bpf_loop(UNKNOWN(file) & 7, step, &c, 0);
#ifdef FIXED
	if (c.at >= sizeof(buf))
		return 0;
#endif
	buf[c.at] = 1; /* BUG */
	return 0;
}
