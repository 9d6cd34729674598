#include "corpus.h"
/* A stack slot written on one branch only and read on both. */
SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	__u64 v;
	__u32 flags = UNKNOWN(file);

	asm volatile("if %[f] == 0 goto +1; *(u64 *)(r10 - 8) = %[f];" ::[f] "r"(flags) : "memory");
#ifdef FIXED
	asm volatile("*(u64 *)(r10 - 8) = 0; %[v] = *(u64 *)(r10 - 8);" : [v] "=r"(v) : : "memory");
#else
	asm volatile("%[v] = *(u64 *)(r10 - 8);" : [v] "=r"(v) : : "memory"); /* BUG */
#endif
	return v ? -EPERM : 0;
}
