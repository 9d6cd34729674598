#include "corpus.h"
/* Safe: a constant 20-iteration loop, which the kernel accepts and bounded
 * unrolling (40) proves. */
SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	__u64 sum = 0;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < 20; i++) /* BUG */
		sum += bpf_ktime_get_ns() & 1;
	return sum > 30 ? -EPERM : 0;
}
