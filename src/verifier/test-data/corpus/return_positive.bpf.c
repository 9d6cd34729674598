#include "corpus.h"
/* An LSM hook must return 0 or -errno; 1 is neither. */
SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	/* clang folds the returns into a branch-free computation on this line */
	if (UNKNOWN(file) & 1) /* BUG */
#ifdef FIXED
		return -EPERM;
#else
		return 1;
#endif
	return 0;
}
