#include "corpus.h"
/* Safe: bpf_get_prandom_u32 has no contract in the table yet, so the
 * verifier reports it as unsupported; an expected failure. */
SEC("lsm/file_open")
int BPF_PROG(prog, struct file *file, int ret)
{
	return bpf_get_prandom_u32() & 1 ? -EPERM : 0; /* BUG */
}
