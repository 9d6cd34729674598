#include "corpus.h"
/* An off-by-one index: buf[8] of an 8-element buffer at the top of the
 * stack frame lies at r10 itself, above the stack. */
SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	volatile __u64 buf[8] = {};
	__u32 i = UNKNOWN(file) & 7;
#ifdef FIXED
	buf[i] = 1;
#else
	buf[i + 1] = 1; /* BUG */
#endif
	return 0;
}
