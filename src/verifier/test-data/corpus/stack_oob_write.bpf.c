#include "corpus.h"
/* A byte store into a stack buffer indexed by an input masked one bit too wide. */
SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	volatile char buf[32];
#ifdef FIXED
	__u32 i = UNKNOWN(file) & 31;
#else
	__u32 i = UNKNOWN(file) & 63;
#endif
	buf[i] = 1; /* BUG */
	return 0;
}
