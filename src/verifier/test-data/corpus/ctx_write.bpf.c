#include "corpus.h"
/* The context is read-only. */
SEC("lsm/file_open")
int prog(unsigned long long *ctx)
{
#ifndef FIXED
	*(volatile unsigned long long *)&ctx[1] = 0; /* BUG */
#endif
	return 0;
}
