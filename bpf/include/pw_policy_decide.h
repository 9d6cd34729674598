/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The decision, as src/compile/lookup-model.ts models it: find the subject's
 * candidate keys once, then walk the file and its directories nearest first
 * (across mounts when the hook knows the mount), looking each up in
 * pw_objects; at the first named one that has an entry for some candidate
 * key, the best score decides. Hash lookups only: the cost is
 * bounded by the walk (33) and the candidates, never by the number of rules.
 * Requires vmlinux.h, bpf_helpers.h, bpf_core_read.h, pw_policy.h and
 * pw_policy_maps.h first. */
#ifndef PW_POLICY_DECIDE_H
#define PW_POLICY_DECIDE_H

#define PW_EPERM 1
#define PW_FIXED_IDENTS 3 /* none, user, login user */
#define PW_MAX_IDENTS (PW_FIXED_IDENTS + PW_MAX_GROUPS + 1)
#define PW_GROUP_SHAPES ((1u << 1) | (1u << 5) | (1u << 9) | (1u << 13))

/* Settings the loader derives from the running kernel (kernel BTF). */
const volatile __u64 pw_event_interval_ns = 1000000000ull;

struct pw_req {
	struct pw_config cfg;
	__u64 dentry; /* the walk's current dentry, as a plain address */
	__u64 best;
	__u32 gen;
	__u32 cls;
	__u32 op;     /* enum pw_file_op */
	__u32 key_op; /* op, | PW_OP_ANCESTOR away from the file itself */
	__u32 res;
	__u32 limit;  /* positions to walk */
	__u32 first;  /* position of the first dentry: 0 = the file, 1 = its directory */
	__u32 exe;
	__u32 place;
	__u32 uid;
	__u32 loginuid;
	__u32 nidents;
	__u8 ident_kind[PW_MAX_IDENTS];
	__u32 ident[PW_MAX_IDENTS];
	__u64 ino; /* what the event names */
	__u32 dev;
	__u16 port;    /* network and socket requests: what the event names */
	__u8 family;
	__u8 protocol;
	/* A file walk's mount shares the address's bytes: no request has both,
	 * and the stack has no 8 bytes to spare (the network programs sit at
	 * 512 with this layout). pw_file_score clears it before the event. */
	union {
		__u8 addr[16];
		__u64 mount; /* the struct mount the walk's dentry is in; 0: unknown */
	};
};

/* Keeps struct pw_req in the object's BTF: the functional specifications
 * (src/verifier/spec/) state lemmas about its fields by name. */
const struct pw_req *pw_spec_req __attribute__((unused));

static __always_inline __u32 pw_object_id(__u32 gen, __u8 kind, __u64 value, __u32 dev)
{
	struct pw_object_key k = { .value = value, .dev = dev, .gen = gen, .kind = kind };
	__u32 *id = bpf_map_lookup_elem(&pw_objects, &k);

	return id ? *id : 0;
}

/* Identity slots are fixed: 0 none, 1 user, 2 login user, 3 the primary
 * group, 4 + i the i-th supplementary group. A group the policy does not name
 * keeps PW_IDENT_SKIP in its slot and costs no rule lookup; nidents is one
 * past the last slot in use. Fixed slots are stored at constant stack
 * offsets, so candidate i always means the same identity: the functional
 * proof (src/verifier/spec/policy-model.ts) relates slot to slot instead of
 * reasoning about a compacted list. */
#define PW_IDENT_SKIP 0xff
#define PW_SLOT_GID PW_FIXED_IDENTS

static __always_inline void pw_set_ident(struct pw_req *r, __u32 slot, __u32 kind, __u32 value)
{
	if (slot >= PW_MAX_IDENTS)
		return;
	r->ident_kind[slot] = kind;
	r->ident[slot] = value;
	if (kind != PW_IDENT_SKIP)
		r->nidents = slot + 1;
}

/* The deepest named cgroup the task is in (levels the policy names only). */
static __always_inline __u32 pw_placement(struct pw_req *r)
{
	int level;

	for (level = PW_MAX_PLACE_LEVEL; level >= 0; level--) {
		__u64 id;
		__u32 place;

		if (!(r->cfg.cgroup_levels & (1u << level)))
			continue;
		id = bpf_get_current_ancestor_cgroup_id(level);
		place = id ? pw_object_id(r->gen, PW_OBJ_CGROUP, id, 0) : 0;
		if (place)
			return place;
	}
	return 0;
}

/* The primary gid and the first PW_MAX_GROUPS supplementary groups, each in
 * its slot, named or skipped. */
static __always_inline __u32 pw_group_kind(struct pw_req *r, __u32 gid)
{
	return pw_object_id(r->gen, PW_OBJ_GID, gid, 0) ? PW_IDENT_GROUP : PW_IDENT_SKIP;
}

static __always_inline void pw_groups(struct pw_req *r, struct group_info *gi, __u32 gid)
{
	int i, n = gi ? BPF_CORE_READ(gi, ngroups) : 0;

	pw_set_ident(r, PW_SLOT_GID, pw_group_kind(r, gid), gid);
	for (i = 0; i < PW_MAX_GROUPS; i++) {
		__u32 g = 0;

		if (i >= n)
			break;
		bpf_probe_read_kernel(&g, sizeof(g), &gi->gid[i]);
		pw_set_ident(r, PW_SLOT_GID + 1 + i, pw_group_kind(r, g), g);
	}
}

/* Reads the generation and its config: all a class default needs. */
static __always_inline void pw_begin_config(struct pw_req *r, __u32 cls)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 zero = 0, *gen = bpf_map_lookup_elem(&pw_control, &zero);
	struct pw_config *cfg;

	r->gen = gen ? *gen & 1 : 0;
	cfg = bpf_map_lookup_elem(&pw_config, &r->gen);
	if (cfg)
		r->cfg = *cfg;
	r->cls = cls;
	r->best = 0;
	r->uid = (__u32)bpf_get_current_uid_gid();
	r->loginuid = task->loginuid.val;
	r->nidents = 0;
}

/* The subject's candidate keys (none when the policy has no rules: only the
 * defaults can decide). own: the credentials whose gid and groups name the
 * subject (their uid is r->uid already); NULL: the task's current ones. */
static __always_inline void pw_begin_subject_of(struct pw_req *r, const struct cred *own)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct file *exe;

	if (!r->cfg.shapes)
		return;
	exe = BPF_CORE_READ(task, mm, exe_file);
	r->exe = exe ? pw_object_id(r->gen, PW_OBJ_EXE, BPF_CORE_READ(exe, f_inode, i_ino),
				    BPF_CORE_READ(exe, f_inode, i_sb, s_dev)) : 0;
	r->place = r->cfg.cgroup_levels ? pw_placement(r) : 0;
	pw_set_ident(r, 0, PW_IDENT_NONE, 0);
	pw_set_ident(r, 1, PW_IDENT_USER, r->uid);
	pw_set_ident(r, 2, PW_IDENT_LOGIN, r->loginuid);
	if (!(r->cfg.shapes & PW_GROUP_SHAPES))
		return;
	if (own) {
		pw_groups(r, BPF_CORE_READ(own, group_info), BPF_CORE_READ(own, gid.val));
	} else {
		__u32 gid = bpf_get_current_uid_gid() >> 32;

		pw_groups(r, BPF_CORE_READ(task, cred, group_info), gid);
	}
}

/* The action a score stands for (0 = the class default): 0 allow, 1 audit,
 * 2 deny, in that order of strictness. */
static __always_inline __u32 pw_action_of(struct pw_req *r, __u64 score)
{
	return score ? PW_SCORE_ACTION(score) : (r->cfg.deny_defaults >> r->cls) & 1 ? 2 : 0;
}

static __always_inline void pw_begin_subject(struct pw_req *r)
{
	pw_begin_subject_of(r, NULL);
}

/* Reads the generation and its config, then the subject's candidate keys. */
static __always_inline void pw_begin(struct pw_req *r, __u32 cls)
{
	pw_begin_config(r, cls);
	pw_begin_subject(r);
}

/* The subject part of a candidate key. */
struct pw_subject_key {
	__u32 exe;
	__u32 place;
	__u32 ident;
	__u8 kind;
};

/* Candidate i (= ident * 4 + place? * 2 + exe?): 1 when the task has it and
 * the policy uses its shape, 0 to skip it, -1 past the last one. */
static __always_inline int pw_candidate(struct pw_req *r, __u32 i, struct pw_subject_key *s)
{
	__u32 ident = i >> 2;

	/* The constant bound first and on its own, with the loads right after
	 * it: clang would otherwise merge both tests into one that the verifier
	 * cannot use to bound the stack offset. */
	if (ident >= PW_MAX_IDENTS)
		return -1;
	barrier_var(ident);
	s->kind = r->ident_kind[ident];
	s->ident = r->ident[ident];
	if (ident >= r->nidents)
		return -1;
	if (s->kind == PW_IDENT_SKIP)
		return 0;
	s->exe = i & 1 ? r->exe : 0;
	s->place = i & 2 ? r->place : 0;
	if (((i & 1) && !s->exe) || ((i & 2) && !s->place))
		return 0; /* the task has no named exe or cgroup: that key is the 0 one */
	return !!(r->cfg.shapes & (1u << ((s->exe ? 8 : 0) + (s->place ? 4 : 0) + s->kind)));
}

/* One candidate key at the current resource and op. */
static long pw_candidate_cb(__u32 i, void *ctx)
{
	struct pw_req *r = ctx;
	struct pw_subject_key s = {};
	struct pw_rule_key k = {};
	__u64 *score;
	int use = pw_candidate(r, i, &s);

	if (use <= 0)
		return use < 0;
	k.exe = s.exe;
	k.place = s.place;
	k.ident_kind = s.kind;
	k.ident = s.ident;
	k.res = r->res;
	k.gen = r->gen;
	k.cls = r->cls;
	k.op = r->key_op;
	score = bpf_map_lookup_elem(&pw_rules, &k);
	if (score && *score > r->best)
		r->best = *score;
	return 0;
}

/* The best score among the candidate keys for (r->cls, res, op); 0: none. */
static __always_inline __u64 pw_key_score(struct pw_req *r, __u32 res, __u32 op)
{
	r->best = 0;
	r->res = res;
	r->key_op = op;
	if (r->cfg.shapes)
		bpf_loop(4 * PW_MAX_IDENTS, pw_candidate_cb, r, 0);
	return r->best;
}

/* The struct mount of a vfsmount (container_of, with the offset relocated). */
static __always_inline __u64 pw_mount_of(struct vfsmount *mnt)
{
	return mnt ? (__u64)mnt - bpf_core_field_offset(struct mount, mnt) : 0;
}

/* At the root of a filesystem: go on from the directory it is mounted on, in
 * the mount above. A mount that is its own parent is the top of its
 * namespace (or detached): nothing is above it. */
static __always_inline void pw_cross_mount(struct pw_req *r)
{
	struct mount *m = (struct mount *)r->mount, *up;

	r->dentry = 0;
	if (!m)
		return;
	up = BPF_CORE_READ(m, mnt_parent);
	if (!up || up == m)
		return;
	r->dentry = (__u64)BPF_CORE_READ(m, mnt_mountpoint);
	r->mount = (__u64)up;
}

/* One position of the walk: the dentry r->dentry, then move to its parent.
 * The walk climbs d_parent to the root of the filesystem, not just to the
 * root of the mount, so a bind mount names the directories its files have
 * in their filesystem; only then does it cross to the mount point. */
static long pw_walk_cb(__u32 i, void *ctx)
{
	struct pw_req *r = ctx;
	struct dentry *d = (struct dentry *)r->dentry, *parent;
	struct inode *inode = BPF_CORE_READ(d, d_inode);
	__u32 pos = i + r->first;

	if (!d || !inode || pos >= PW_MAX_ANCESTORS + 1)
		return 1;
	r->res = pw_object_id(r->gen, PW_OBJ_FILE, BPF_CORE_READ(inode, i_ino),
			      BPF_CORE_READ(inode, i_sb, s_dev));
	if (r->res) {
		r->key_op = pos == 0 ? r->op : r->op | PW_OP_ANCESTOR;
		bpf_loop(4 * PW_MAX_IDENTS, pw_candidate_cb, r, 0);
		if (r->best)
			return 1;
	}
	parent = BPF_CORE_READ(d, d_parent);
	if (parent != d)
		r->dentry = (__u64)parent;
	else
		pw_cross_mount(r);
	return 0;
}

/* The best score for op on dentry d (first = 0) or on an entry to be created
 * in directory d (first = 1), reached through mnt (NULL where the hook has no
 * mount: the walk then ends at the root of d's filesystem). 0: no rule matched. */
static __always_inline __u64 pw_file_score(struct pw_req *r, struct dentry *d,
					   struct vfsmount *mnt, __u32 op, __u32 first)
{
	r->op = op;
	r->first = first;
	r->best = 0;
	r->dentry = (__u64)d;
	if (!r->cfg.shapes)
		return 0;
	r->mount = pw_mount_of(mnt);
	bpf_loop(PW_MAX_ANCESTORS + 1, pw_walk_cb, r, 0);
	r->mount = 0;
	return r->best;
}

/* The best score for a non-file resource item of class r->cls (a capability,
 * a ptrace mode, PW_ITEM_ANY), after pw_begin_config only. One lookup tells
 * whether any rule names the item; the subject's keys are formed only then,
 * so hot hooks (capable) pay three lookups for items no rule names. */
static __always_inline __u64 pw_item_score(struct pw_req *r, __u32 item)
{
	r->op = item;
	r->best = 0;
	r->res = r->cfg.shapes ? pw_object_id(r->gen, PW_OBJ_RESOURCE,
					      ((__u64)r->cls << 32) | item, 0) : 0;
	if (!r->res)
		return 0;
	pw_begin_subject(r);
	r->key_op = 0;
	bpf_loop(4 * PW_MAX_IDENTS, pw_candidate_cb, r, 0);
	return r->best;
}

#endif
