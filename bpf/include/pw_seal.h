/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The seal and the agent's identity, shared by every self_protect hook file:
 * whether Proofwall is sealed, whether a task is the agent, the claim that
 * completes the agent's identity, and the refusal that reports itself. Only
 * static inline helpers live here. Requires vmlinux.h, bpf_helpers.h,
 * pw_abi.h, pw_protect.h and pw_protect_maps.h first. */
#ifndef PW_SEAL_H
#define PW_SEAL_H

#define EPERM 1

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

/* Reports the refusal (a full ring buffer loses the event, not the refusal). */
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
		e->cgroup_id = bpf_get_current_cgroup_id();
		bpf_ringbuf_submit(e, 0);
	}
	return -EPERM;
}

static __always_inline bool guarded(__u32 kind, __u32 id)
{
	struct pw_object_key key = { .kind = kind, .id = id };

	return id && bpf_map_lookup_elem(&pw_guarded_objs, &key);
}

#endif
