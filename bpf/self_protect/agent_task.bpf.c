// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* self_protect, the agent's process: once sealed, nobody but the agent may
 * signal it (kill would end the only process allowed to change policy) or
 * attach to it (ptrace, its memory, its fds). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "pw_abi.h"
#include "pw_protect.h"
#include "pw_protect_maps.h"
#include "pw_seal.h"

#define PTRACE_MODE_ATTACH 0x02

/* Signal 0 only probes for existence, which /proc reveals anyway. */
SEC("lsm/task_kill")
int BPF_PROG(pw_task_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred, int ret)
{
	struct pw_seal *s;

	if (ret)
		return ret;
	s = sealed();
	if (!s || !sig || !task_is_agent(p, s) || is_agent(s))
		return 0;
	return deny(PW_PROTECT_TASK_KILL, sig, p->tgid);
}

/* ATTACH covers ptrace, /proc/<pid>/mem, process_vm_* and pidfd_getfd (which
 * would hand out the agent's map fds); READ (status, environ) stays open. */
SEC("lsm/ptrace_access_check")
int BPF_PROG(pw_ptrace_access_check, struct task_struct *child, unsigned int mode, int ret)
{
	struct pw_seal *s;

	if (ret)
		return ret;
	s = sealed();
	if (!s || !(mode & PTRACE_MODE_ATTACH) || !task_is_agent(child, s) || is_agent(s))
		return 0;
	return deny(PW_PROTECT_PTRACE, mode, child->tgid);
}

/* Weak: every file of the object carries it, the linker keeps one. */
char LICENSE[] SEC("license") __weak = "Dual BSD/GPL";
