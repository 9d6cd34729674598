#include "corpus.h"
/* A constant but long loop: more iterations than the unrolling bound (40). */
SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
#pragma clang loop unroll(disable)
#ifdef FIXED
	for (__u32 i = 0; i < 6; i++)
#else
	for (__u32 i = 0; i < 64; i++) /* BUG */
#endif
		bpf_ktime_get_ns();
	return 0;
}
