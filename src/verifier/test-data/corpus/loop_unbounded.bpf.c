#include "corpus.h"
/* The trip count comes from the input. */
SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
#ifdef FIXED
	__u32 n = UNKNOWN(file) & 3;
#else
	__u32 n = UNKNOWN(file);
#endif
	for (__u32 i = 0; i < n; i++) /* BUG */
		bpf_ktime_get_ns();
	return 0;
}
