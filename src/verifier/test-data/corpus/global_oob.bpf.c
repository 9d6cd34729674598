#include "corpus.h"
/* A .bss array indexed one bit too wide. */
__u64 hits[4];

SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
#ifdef FIXED
	__u32 i = UNKNOWN(file) & 3;
#else
	__u32 i = UNKNOWN(file) & 7;
#endif
	hits[i] += 1; /* BUG */
	return 0;
}
