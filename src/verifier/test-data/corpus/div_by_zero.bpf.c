#include "corpus.h"
/* A divisor read from the input may be 0 (defined as 0 in eBPF, a lint). */
SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	__u32 total = file->f_inode->i_nlink;
	__u32 parts = UNKNOWN(file);
#ifdef FIXED
	if (parts == 0)
		return 0;
#endif
	return total / parts > 100 ? -EPERM : 0; /* BUG */
}
