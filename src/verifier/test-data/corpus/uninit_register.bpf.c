#include "corpus.h"
/* Hand-written assembly that returns a register no path wrote. */
SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	int r;
#ifdef FIXED
	asm volatile("r3 = 0; %[r] = r3;" : [r] "=r"(r) : : "r3");
#else
	asm volatile("%[r] = r3;" : [r] "=r"(r) : : "r3"); /* BUG */
#endif
	return r & 0 ? -EPERM : 0;
}
