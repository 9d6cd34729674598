/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Turning a score into a verdict: count it per hook and outcome, report it
 * (rate-limited per process and rule, so a loop of denied requests yields
 * one event per interval with a count of the dropped ones), and return the
 * errno. Requires pw_policy_decide.h first. */
#ifndef PW_POLICY_REPORT_H
#define PW_POLICY_REPORT_H

static __always_inline void pw_count(__u32 hook, __u32 outcome)
{
	__u32 idx = hook * PW_OUT_COUNT + outcome;
	__u64 *n = bpf_map_lookup_elem(&pw_counters, &idx);

	if (n)
		*n += 1; /* per-CPU: no atomics needed */
}

/* Whether to report now; *dropped gets the events suppressed since the last one. */
static __always_inline int pw_rate_ok(__u32 tgid, __u32 rule, __u32 *dropped)
{
	struct pw_rate_key k = { .tgid = tgid, .rule = rule };
	struct pw_rate *v = bpf_map_lookup_elem(&pw_rate, &k), fresh = {};
	__u64 now = bpf_ktime_get_ns();

	*dropped = 0;
	if (v && now - v->last_ns < pw_event_interval_ns) {
		__sync_fetch_and_add(&v->suppressed, 1);
		return 0;
	}
	if (v)
		*dropped = v->suppressed;
	fresh.last_ns = now;
	bpf_map_update_elem(&pw_rate, &k, &fresh, BPF_ANY);
	return 1;
}

static __always_inline void pw_report(struct pw_req *r, __u32 hook, __u32 outcome, __u32 rule)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pw_decision *e;
	struct file *exe;
	__u32 dropped;

	if (!pw_rate_ok(pid_tgid >> 32, rule, &dropped))
		return;
	e = bpf_ringbuf_reserve(&pw_decisions, sizeof(*e), 0);
	if (!e)
		return;
	exe = BPF_CORE_READ(task, mm, exe_file);
	e->ts_ns = bpf_ktime_get_ns();
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->ino = r->ino;
	e->dev = r->dev;
	e->exe_ino = exe ? BPF_CORE_READ(exe, f_inode, i_ino) : 0;
	e->exe_dev = exe ? BPF_CORE_READ(exe, f_inode, i_sb, s_dev) : 0;
	e->pid = (__u32)pid_tgid;
	e->tgid = pid_tgid >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->loginuid = task->loginuid.val;
	e->hook = hook;
	e->outcome = outcome;
	e->rule = rule;
	e->op = r->op;
	e->suppressed = dropped;
	e->gen = r->gen;
	__builtin_memcpy(e->addr, r->addr, sizeof(e->addr));
	e->port = r->port;
	e->family = r->family;
	e->protocol = r->protocol;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

/* The outcome of a score (0 = the class default) under the request's config. */
static __always_inline __u32 pw_outcome_of(struct pw_req *r, __u64 score)
{
	__u32 action = score ? PW_SCORE_ACTION(score) : (r->cfg.deny_defaults >> r->cls) & 1 ? 2 : 0;

	if (action == 2)
		return r->cfg.audit_mode ? PW_OUT_WOULD_DENY : PW_OUT_DENY;
	return action == 1 ? PW_OUT_AUDIT : PW_OUT_ALLOW;
}

/* Counts, reports and returns the errno for one decided request. */
static __always_inline int pw_finish(struct pw_req *r, __u32 hook, __u64 score)
{
	__u32 outcome = pw_outcome_of(r, score);

	pw_count(hook, outcome);
	if (outcome != PW_OUT_ALLOW)
		pw_report(r, hook, outcome, score ? PW_SCORE_RULE(score) : PW_RULE_NONE);
	return outcome == PW_OUT_DENY ? -PW_EPERM : 0;
}

#endif
