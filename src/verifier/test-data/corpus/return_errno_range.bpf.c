#include "corpus.h"
/* -5000 is below -MAX_ERRNO (-4095). */
SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	/* clang folds the returns into a branch-free computation on this line */
	if (UNKNOWN(file) & 2) /* BUG */
#ifdef FIXED
		return -4095;
#else
		return -5000;
#endif
	return 0;
}
