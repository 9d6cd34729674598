// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* self_protect: once the agent seals, nobody but the agent may reach, change,
 * detach, unpin, unmount, signal or trace Proofwall, nor load the program
 * types that could undo it. The agent is named by facts the kernel records
 * itself (tgid, thread-group start time, executable inode), never by anything
 * a process can claim. docs/threat-model.md explains every hook and its gaps. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "pw_abi.h"
#include "pw_protect.h"

#define EPERM 1
#define PTRACE_MODE_ATTACH 0x02

PW_PROTECT_EXPORT();

/* Addresses of the kernel's file_operations for BPF objects (kallsyms). They
 * let an fd be trusted to be a map or link before its private_data is read;
 * __weak leaves them 0 where kallsyms hides addresses, and the check is then
 * skipped (the syscall itself refuses an fd of the wrong kind). */
extern const void bpf_map_fops __ksym __weak;
extern const void bpf_prog_fops __ksym __weak;
extern const void bpf_link_fops __ksym __weak;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pw_seal);
} pw_seal SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct pw_object_key);
	__type(value, __u8);
} pw_guarded_objs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct pw_file_key);
	__type(value, __u8);
} pw_guarded_pins SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} pw_tamper_evts SEC(".maps");

/* The seal, or NULL while Proofwall is not sealed (everything is allowed). */
static __always_inline struct pw_seal *sealed(void)
{
	__u32 zero = 0;
	struct pw_seal *s = bpf_map_lookup_elem(&pw_seal, &zero);

	return s && (s->flags & PW_SEAL_ACTIVE) ? s : NULL;
}

static __always_inline bool task_is_agent(struct task_struct *t, const struct pw_seal *s)
{
	struct inode *exe;

	if (!s->agent_start_time || (__u32)t->tgid != s->agent_tgid)
		return false;
	if (t->group_leader->start_time != s->agent_start_time)
		return false; /* the pid was recycled */
	exe = t->mm->exe_file->f_inode;
	return exe->i_ino == s->agent_exe_ino && exe->i_sb->s_dev == s->agent_exe_dev;
}

static __always_inline bool is_agent(const struct pw_seal *s)
{
	return task_is_agent(bpf_get_current_task_btf(), s);
}

/* The claim: user space only names the agent's tgid; the first bpf() call
 * that thread group makes after sealing records what the kernel knows of it. */
static __always_inline void claim(struct pw_seal *s)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct inode *exe;

	if (s->agent_start_time || (__u32)t->tgid != s->agent_tgid)
		return;
	exe = t->mm->exe_file->f_inode;
	s->agent_exe_ino = exe->i_ino;
	s->agent_exe_dev = exe->i_sb->s_dev;
	s->agent_start_time = t->group_leader->start_time;
}

static __always_inline int deny(__u32 hook, __u32 detail, __u64 target)
{
	struct pw_tamper_event *e = bpf_ringbuf_reserve(&pw_tamper_evts, sizeof(*e), 0);
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (e) {
		e->ts_ns = bpf_ktime_get_ns();
		e->target = target;
		e->pid = (__u32)pid_tgid;
		e->tgid = pid_tgid >> 32;
		e->uid = (__u32)bpf_get_current_uid_gid();
		e->hook = hook;
		e->detail = detail;
		e->pad = 0;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bpf_ringbuf_submit(e, 0);
	}
	return -EPERM;
}

static __always_inline bool guarded(__u32 kind, __u32 id)
{
	struct pw_object_key key = { .kind = kind, .id = id };

	return id && bpf_map_lookup_elem(&pw_guarded_objs, &key);
}

static __always_inline bool is_pin_dir(const struct pw_seal *s, struct inode *inode)
{
	return inode && inode->i_ino == s->pin_dir_ino && inode->i_sb->s_dev == s->pin_dir_dev;
}

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

SEC("lsm/bpf")
int BPF_PROG(pw_bpf, int cmd, union bpf_attr *attr, unsigned int size, int ret)
{
	struct pw_seal *s;

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

/* BPF_OBJ_GET checks permission on the pinned inode whatever path (bind
 * mount, symlink, relative) led there; links have no bpf_link hook. */
SEC("lsm/inode_permission")
int BPF_PROG(pw_inode_permission, struct inode *inode, int mask, int ret)
{
	struct pw_file_key key = {};
	struct pw_seal *s;

	if (ret)
		return ret;
	s = sealed();
	if (!s || inode->i_sb->s_dev != s->pin_dir_dev)
		return 0;
	key.ino = inode->i_ino;
	key.dev = s->pin_dir_dev;
	if (!bpf_map_lookup_elem(&pw_guarded_pins, &key) || is_agent(s))
		return 0;
	return deny(PW_PROTECT_INODE_PERMISSION, mask, key.ino);
}

SEC("lsm/inode_unlink")
int BPF_PROG(pw_inode_unlink, struct inode *dir, struct dentry *dentry, int ret)
{
	struct pw_seal *s;

	if (ret)
		return ret;
	s = sealed();
	if (!s || !is_pin_dir(s, dir) || is_agent(s))
		return 0;
	return deny(PW_PROTECT_INODE_UNLINK, 0, dentry->d_inode->i_ino);
}

SEC("lsm/inode_rmdir")
int BPF_PROG(pw_inode_rmdir, struct inode *dir, struct dentry *dentry, int ret)
{
	struct pw_seal *s;

	if (ret)
		return ret;
	s = sealed();
	if (!s || !(is_pin_dir(s, dir) || is_pin_dir(s, dentry->d_inode)) || is_agent(s))
		return 0;
	return deny(PW_PROTECT_INODE_RMDIR, 0, dentry->d_inode->i_ino);
}

SEC("lsm/inode_rename")
int BPF_PROG(pw_inode_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, int ret)
{
	struct pw_seal *s;

	if (ret)
		return ret;
	s = sealed();
	if (!s || !(is_pin_dir(s, old_dir) || is_pin_dir(s, new_dir) ||
		    is_pin_dir(s, old_dentry->d_inode)) || is_agent(s))
		return 0;
	return deny(PW_PROTECT_INODE_RENAME, 0, old_dentry->d_inode->i_ino);
}

SEC("lsm/sb_umount")
int BPF_PROG(pw_sb_umount, struct vfsmount *mnt, int flags, int ret)
{
	struct pw_seal *s;

	if (ret)
		return ret;
	s = sealed();
	if (!s || mnt->mnt_sb->s_dev != s->pin_dir_dev || is_agent(s))
		return 0;
	return deny(PW_PROTECT_SB_UMOUNT, flags, s->pin_dir_dev);
}

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

/* Which seal switch refuses this kind of kernel code, if any. */
static __always_inline __u32 code_switch(bool module, bool kexec)
{
	return module ? PW_SEAL_DENY_MODULES : kexec ? PW_SEAL_DENY_KEXEC : 0;
}

SEC("lsm/kernel_read_file")
int BPF_PROG(pw_kernel_read_file, struct file *file, enum kernel_read_file_id id, bool contents,
	     int ret)
{
	struct pw_seal *s;
	__u32 need;

	if (ret)
		return ret;
	need = code_switch(id == bpf_core_enum_value(enum kernel_read_file_id, READING_MODULE),
			   id == bpf_core_enum_value(enum kernel_read_file_id, READING_KEXEC_IMAGE) ||
				   id == bpf_core_enum_value(enum kernel_read_file_id,
							     READING_KEXEC_INITRAMFS));
	s = sealed();
	if (!s || !(s->flags & need) || is_agent(s))
		return 0;
	return deny(PW_PROTECT_KERNEL_READ_FILE, id, file->f_inode->i_ino);
}

SEC("lsm/kernel_load_data")
int BPF_PROG(pw_kernel_load_data, enum kernel_load_data_id id, bool contents, int ret)
{
	struct pw_seal *s;
	__u32 need;

	if (ret)
		return ret;
	need = code_switch(id == bpf_core_enum_value(enum kernel_load_data_id, LOADING_MODULE),
			   id == bpf_core_enum_value(enum kernel_load_data_id, LOADING_KEXEC_IMAGE));
	s = sealed();
	if (!s || !(s->flags & need) || is_agent(s))
		return 0;
	return deny(PW_PROTECT_KERNEL_LOAD_DATA, id, 0);
}

/* The integrity half of lockdown (/dev/mem, ioport, msr, ...), for everyone
 * but the agent, without booting with lockdown=integrity. */
SEC("lsm/locked_down")
int BPF_PROG(pw_locked_down, enum lockdown_reason what, int ret)
{
	struct pw_seal *s;

	if (ret)
		return ret;
	s = sealed();
	if (!s || !(s->flags & PW_SEAL_LOCKDOWN) || what == LOCKDOWN_NONE ||
	    what >= bpf_core_enum_value(enum lockdown_reason, LOCKDOWN_INTEGRITY_MAX) || is_agent(s))
		return 0;
	return deny(PW_PROTECT_LOCKED_DOWN, what, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
