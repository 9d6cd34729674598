#include "corpus.h"
/* Returning a kernel field as the verdict: any int can come back. */
SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
#ifdef FIXED
	return UNKNOWN(file) ? -EPERM : 0;
#else
	return UNKNOWN(file); /* BUG */
#endif
}
