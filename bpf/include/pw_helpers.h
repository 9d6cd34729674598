/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Identity at hook time, shared by every hook file. Only static inline
 * helpers live here; they depend on vmlinux.h, bpf_helpers.h and pw_abi.h
 * having been included first. */
#ifndef PW_HELPERS_H
#define PW_HELPERS_H

/* Device and inode of a file, the way user space names it after stat(2)
 * converts st_dev (see src/identity/file.ts). */
static __always_inline void pw_inode_key(struct inode *inode, struct pw_file_key *key)
{
	key->ino = inode->i_ino;
	key->dev = inode->i_sb->s_dev;
	key->pad = 0;
}

/* Fills *s with the current task's credentials, login uid, executable and
 * cgroup chain. A kernel thread has no mm, hence no executable: exe stays 0. */
static __always_inline void pw_current_subject(struct pw_subject *s)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 uid_gid = bpf_get_current_uid_gid();
	struct mm_struct *mm = task->mm;
	int level, top = 0;

	s->uid = (__u32)uid_gid;
	s->gid = uid_gid >> 32;
	s->loginuid = task->loginuid.val;
	s->exe_ino = 0;
	s->exe_dev = 0;
	s->pad = 0;
	if (mm && mm->exe_file) {
		s->exe_ino = mm->exe_file->f_inode->i_ino;
		s->exe_dev = mm->exe_file->f_inode->i_sb->s_dev;
	}
	/* Ancestor ids by level (1 = just below the root); 0 past the task's own. */
	for (level = 1; level <= PW_MAX_CGROUP_DEPTH; level++) {
		if (!bpf_get_current_ancestor_cgroup_id(level))
			break;
		top = level;
	}
	s->cgroup_count = top;
	for (level = 0; level < PW_MAX_CGROUP_DEPTH; level++)
		s->cgroups[level] = level < top ? bpf_get_current_ancestor_cgroup_id(top - level) : 0;
}

/* Writes the (dev, inode) of d and of up to max-1 ancestors within its
 * filesystem into out[], nearest first; returns how many were written. The
 * walk follows d_parent, so it names the same directories whatever path
 * (bind mount, /proc/self/root, symlink, hard link) reached the file. */
static __always_inline __u32 pw_dentry_chain(struct dentry *d, struct pw_file_key *out)
{
	__u32 n = 0;
	int i;

	for (i = 0; i < PW_MAX_PATH_DEPTH; i++) {
		struct dentry *parent;

		if (!d || !d->d_inode)
			break;
		pw_inode_key(d->d_inode, &out[i]);
		n = i + 1;
		parent = d->d_parent;
		if (parent == d)
			break; /* the filesystem's root */
		d = parent;
	}
	return n;
}

#endif
