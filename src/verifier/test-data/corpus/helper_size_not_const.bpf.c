#include "corpus.h"
/* The buffer size of bpf_get_current_comm must be a constant. */
SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	char comm[16];
#ifdef FIXED
	__u32 n = sizeof(comm);
#else
	__u32 n = (UNKNOWN(file) & 15) + 1;
#endif
	bpf_get_current_comm(comm, n); /* BUG */
	asm volatile("" ::"r"(comm) : "memory");
	return 0;
}
