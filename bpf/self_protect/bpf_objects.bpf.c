// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* self_protect, BPF objects: once the agent seals, nobody but the agent may
 * get an fd to Proofwall's maps, programs and links, write or detach through
 * one, or load the program types that could undo the hooks. The agent is
 * named by facts the kernel records itself (pw_seal.h); the claim happens
 * here, in bpf(). docs/threat-model.md explains every hook and its gaps. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "pw_abi.h"
#include "pw_protect.h"
#include "pw_protect_maps.h"
#include "pw_seal.h"

PW_PROTECT_EXPORT();

/* Addresses of the kernel's file_operations for BPF objects (kallsyms). They
 * let an fd be trusted to be a map or link before its private_data is read;
 * __weak leaves them 0 where kallsyms hides addresses, and the check is then
 * skipped (the syscall itself refuses an fd of the wrong kind). */
extern const void bpf_map_fops __ksym __weak;
extern const void bpf_prog_fops __ksym __weak;
extern const void bpf_link_fops __ksym __weak;

/* private_data of the current task's file `fd` if its f_op is `fops`. Racy
 * against a concurrent dup2() in another thread, which is why fds to guarded
 * objects are refused at their source (ids, pins) and this is a second line. */
static __always_inline void *fd_object(__u32 fd, const void *fops)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **slots = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;

	if (fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &slots[fd]);
	if (!f || (fops && BPF_CORE_READ(f, f_op) != fops))
		return NULL;
	return BPF_CORE_READ(f, private_data);
}

static __always_inline __u32 map_id_of_fd(__u32 fd)
{
	struct bpf_map *m = fd_object(fd, &bpf_map_fops);

	return m ? BPF_CORE_READ(m, id) : 0;
}

static __always_inline __u32 link_id_of_fd(__u32 fd)
{
	struct bpf_link *l = fd_object(fd, &bpf_link_fops);

	return l ? BPF_CORE_READ(l, id) : 0;
}

static __always_inline __u32 prog_type_of_fd(__u32 fd)
{
	struct bpf_prog *p = fd_object(fd, &bpf_prog_fops);

	return p ? BPF_CORE_READ(p, type) : BPF_PROG_TYPE_UNSPEC;
}

static __always_inline int guard_id(__u32 kind, __u32 id, int cmd)
{
	return guarded(kind, id) ? deny(PW_PROTECT_BPF, cmd, id) : 0;
}

/* Program types that observe or rewrite the kernel (fmod_ret, override_return,
 * probe_write_user, a second LSM): enough to undo every hook here. */
static __always_inline int guard_prog_type(__u32 type, int cmd)
{
	switch (type) {
	case BPF_PROG_TYPE_LSM:
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_EXT:
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
	case BPF_PROG_TYPE_PERF_EVENT:
		return deny(PW_PROTECT_BPF, cmd, type);
	default:
		return 0;
	}
}

/* Where security_bpf's prior verdict sits in the context: after the hook's
 * arguments, so at 3 on 6.1 and at 4 once the hook gained `bool kernel`
 * (reading slot 3 there took that flag for a verdict and returned 1). The
 * loader reads the argument count from the kernel's BTF; frozen, the kernel
 * verifier reads it as a constant and keeps one branch. */
const volatile __u32 pw_bpf_verdict_arg = 3;

/* Raw context: the argument list differs by kernel. */
SEC("lsm/bpf")
int pw_bpf(unsigned long long *ctx)
{
	int cmd = (int)ctx[0];
	union bpf_attr *attr = (union bpf_attr *)ctx[1];
	struct pw_seal *s;
	int ret;

	/* The barriers keep clang from merging both loads into one at a
	 * computed ctx offset, which the verifier refuses. */
	if (pw_bpf_verdict_arg == 4) {
		ret = (int)ctx[4];
		barrier_var(ret);
	} else {
		ret = (int)ctx[3];
		barrier_var(ret);
	}
	if (ret)
		return ret;
	s = sealed();
	if (!s)
		return 0;
	claim(s);
	if (is_agent(s))
		return 0;
	switch (cmd) {
	case BPF_MAP_GET_FD_BY_ID:
		return guard_id(PW_OBJECT_MAP, attr->map_id, cmd);
	case BPF_PROG_GET_FD_BY_ID:
		return guard_id(PW_OBJECT_PROG, attr->prog_id, cmd);
	case BPF_LINK_GET_FD_BY_ID:
		return guard_id(PW_OBJECT_LINK, attr->link_id, cmd);
	case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_DELETE_ELEM:
	case BPF_MAP_LOOKUP_AND_DELETE_ELEM:
	case BPF_MAP_FREEZE:
		return guard_id(PW_OBJECT_MAP, map_id_of_fd(attr->map_fd), cmd);
	case BPF_MAP_UPDATE_BATCH:
	case BPF_MAP_DELETE_BATCH:
	case BPF_MAP_LOOKUP_AND_DELETE_BATCH:
		return guard_id(PW_OBJECT_MAP, map_id_of_fd(attr->batch.map_fd), cmd);
	case BPF_LINK_DETACH:
		return guard_id(PW_OBJECT_LINK, link_id_of_fd(attr->link_detach.link_fd), cmd);
	case BPF_LINK_UPDATE:
		return guard_id(PW_OBJECT_LINK, link_id_of_fd(attr->link_update.link_fd), cmd);
	case BPF_PROG_LOAD:
		return guard_prog_type(attr->prog_type, cmd);
	case BPF_RAW_TRACEPOINT_OPEN:
		return guard_prog_type(prog_type_of_fd(attr->raw_tracepoint.prog_fd), cmd);
	case BPF_LINK_CREATE:
		return guard_prog_type(prog_type_of_fd(attr->link_create.prog_fd), cmd);
	default:
		return 0;
	}
}

/* Every way to get a map fd (by id, by pin, at creation) ends here. */
SEC("lsm/bpf_map")
int BPF_PROG(pw_bpf_map, struct bpf_map *map, fmode_t fmode, int ret)
{
	struct pw_seal *s;

	if (ret)
		return ret;
	s = sealed();
	if (!s || !guarded(PW_OBJECT_MAP, map->id) || is_agent(s))
		return 0;
	return deny(PW_PROTECT_BPF_MAP, fmode, map->id);
}

SEC("lsm/bpf_prog")
int BPF_PROG(pw_bpf_prog, struct bpf_prog *prog, int ret)
{
	struct pw_seal *s;

	if (ret)
		return ret;
	s = sealed();
	if (!s || !guarded(PW_OBJECT_PROG, prog->aux->id) || is_agent(s))
		return 0;
	return deny(PW_PROTECT_BPF_PROG, 0, prog->aux->id);
}

/* Weak: every file of the object carries it, the linker keeps one. */
char LICENSE[] SEC("license") __weak = "Dual BSD/GPL";
