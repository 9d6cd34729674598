#include "corpus.h"
/* file_open has one argument (and ret): ctx[2] is past the context. */
SEC("lsm/file_open")
int prog(unsigned long long *ctx)
{
#ifdef FIXED
	int ret = (int)ctx[1];
#else
	int ret = (int)ctx[2]; /* BUG */
#endif
	return ret ? -EPERM : 0;
}
