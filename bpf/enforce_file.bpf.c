// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* enforce_file: the files class of a compiled policy (docs/enforcement.md).
 * Every hook names the dentry the operation is about and whether it is the
 * file itself or the directory an entry is created in; the decision is the
 * same walk for all (pw_policy_decide.h), going on above the file's
 * filesystem where the mount is known: the hooks given a file know it, the
 * inode hooks take it from the hint the path_* hook of the same system call
 * left (pw_mount_hint.h). The policy lives in maps only. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "pw_policy.h"
#include "pw_policy_maps.h"
#include "pw_policy_decide.h"
#include "pw_policy_report.h"
#include "pw_mount_hint.h"
#include "pw_overlay.h"

#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define FMODE_EXEC 0x20
#define PF_KTHREAD 0x00200000

PW_POLICY_EXPORT();

/* Which argument of inode_setattr is the dentry: 0 on 6.1, 1 once the hook
 * gained an idmap argument. The loader reads it from the kernel's BTF. */
const volatile __u32 setattr_dentry_arg = 0;

/* Starts a files request. The subject is the task as it is, not the
 * credentials the kernel may have put on it to work on its behalf:
 * overlayfs opens, copies up and creates a layer's files with the
 * mounter's (override_creds), so an overlay root mounted would otherwise
 * make every user root to the layer's tree. The real credentials' uid, gid
 * and groups are used then; kernel threads (nfsd, ksmbd act for their
 * clients with the clients' credentials) keep the ones in effect. */
static __always_inline void pw_begin_file(struct pw_req *r)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct cred *who = task->real_cred;

	if (task->flags & PF_KTHREAD)
		who = task->cred;
	pw_begin_config(r, PW_CLASS_FILES);
	r->uid = BPF_CORE_READ(who, uid.val);
	pw_begin_subject_of(r, who);
}

static __always_inline void pw_name(struct pw_req *r, struct dentry *d)
{
	struct inode *inode = BPF_CORE_READ(d, d_inode);

	r->ino = inode ? BPF_CORE_READ(inode, i_ino) : 0;
	r->dev = inode ? BPF_CORE_READ(inode, i_sb, s_dev) : 0;
}

/* An operation on the entry d itself (its inode and its directories),
 * reached through mnt (NULL: unknown, the walk ends at d's filesystem root). */
static __always_inline int pw_on_entry(struct dentry *d, struct vfsmount *mnt, __u32 op,
				       __u32 hook)
{
	struct pw_req r = {};

	pw_begin_file(&r);
	pw_name(&r, d);
	return pw_finish(&r, hook, pw_file_score(&r, d, mnt, op, 0));
}

/* Creating the entry d: decided on its directory, the request has no file. */
static __always_inline int pw_on_create(struct dentry *d, struct vfsmount *mnt, __u32 hook)
{
	struct dentry *dir = BPF_CORE_READ(d, d_parent);
	struct pw_req r = {};

	pw_begin_file(&r);
	r.op = PW_OP_CREATE;
	pw_name(&r, dir);
	return pw_finish(&r, hook, pw_file_score(&r, dir, mnt, PW_OP_CREATE, 1));
}

/* The dentry an open's walk starts at. overlayfs before 6.6 opens the file
 * of the layer beneath with the overlay's own path (open_with_fake_path):
 * f_path names the overlay's dentry and f_inode the layer's inode, so the
 * overlay would hide the layer's file and directories from every rule. Such
 * a file is walked from a dentry of its own inode instead, with no mount:
 * the layer's mount is a private clone that is its own parent, so the walk
 * ends at the layer filesystem's root either way. */
static __always_inline struct dentry *pw_opened_dentry(struct file *file, struct vfsmount **mnt)
{
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct dentry *alias;

	if (!inode || inode == BPF_CORE_READ(d, d_inode))
		return d;
	alias = pw_alias_of(inode);
	if (!alias)
		return d;
	*mnt = NULL;
	return alias;
}

/* The score of op on an open file at d, and for a received overlay file
 * on the layer's file beneath it too (under; NULL: none), where a rule
 * matches there: the stricter decides, so both must pass. The request
 * names the file whose score it is. */
static __always_inline __u64 pw_open_score(struct pw_req *r, struct dentry *d,
					   struct vfsmount *mnt, struct dentry *under, __u32 op)
{
	__u64 own = pw_file_score(r, d, mnt, op, 0), layer;

	pw_name(r, d);
	if (!under)
		return own;
	layer = pw_file_score(r, under, NULL, op, 0);
	if (!layer || pw_action_of(r, layer) <= pw_action_of(r, own))
		return own;
	pw_name(r, under);
	return layer;
}

/* An open (or a received fd): read and write are separate requests, both
 * must pass. Opens for exec belong to the exec class. A received overlay
 * file is also the layer's file beneath it, the one its reads read. */
static __always_inline int pw_on_file(struct file *file, __u32 hook)
{
	struct vfsmount *mnt = BPF_CORE_READ(file, f_path.mnt);
	struct dentry *d = pw_opened_dentry(file, &mnt);
	struct file *layer = pw_overlay_layer_file(file);
	struct dentry *under = layer ? pw_alias_of(BPF_CORE_READ(layer, f_inode)) : NULL;
	__u32 mode = BPF_CORE_READ(file, f_mode);
	struct pw_req r = {};
	int err = 0;

	if (mode & FMODE_EXEC)
		return 0;
	pw_begin_file(&r);
	if (mode & FMODE_READ)
		err = pw_finish(&r, hook, pw_open_score(&r, d, mnt, under, PW_OP_READ));
	if (!err && (mode & FMODE_WRITE))
		err = pw_finish(&r, hook, pw_open_score(&r, d, mnt, under, PW_OP_WRITE));
	return err;
}

SEC("lsm/file_open")
int BPF_PROG(pw_file_open, struct file *file, int ret)
{
	return ret ? ret : pw_on_file(file, PW_EH_FILE_OPEN);
}

/* SCM_RIGHTS (and pidfd_getfd) hand over an open file: checked like an open by the receiver. */
SEC("lsm/file_receive")
int BPF_PROG(pw_file_receive, struct file *file, int ret)
{
	return ret ? ret : pw_on_file(file, PW_EH_FILE_RECEIVE);
}

SEC("lsm/inode_create")
int BPF_PROG(pw_inode_create, struct inode *dir, struct dentry *dentry, umode_t mode, int ret)
{
	return ret ? ret : pw_on_create(dentry, pw_hinted_mount(dentry, 0), PW_EH_INODE_CREATE);
}

SEC("lsm/inode_mkdir")
int BPF_PROG(pw_inode_mkdir, struct inode *dir, struct dentry *dentry, umode_t mode, int ret)
{
	return ret ? ret : pw_on_create(dentry, pw_hinted_mount(dentry, 0), PW_EH_INODE_MKDIR);
}

SEC("lsm/inode_symlink")
int BPF_PROG(pw_inode_symlink, struct inode *dir, struct dentry *dentry, const char *name, int ret)
{
	return ret ? ret : pw_on_create(dentry, pw_hinted_mount(dentry, 0), PW_EH_INODE_SYMLINK);
}

SEC("lsm/inode_mknod")
int BPF_PROG(pw_inode_mknod, struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev,
	     int ret)
{
	return ret ? ret : pw_on_create(dentry, pw_hinted_mount(dentry, 0), PW_EH_INODE_MKNOD);
}

SEC("lsm/inode_unlink")
int BPF_PROG(pw_inode_unlink, struct inode *dir, struct dentry *dentry, int ret)
{
	return ret ? ret : pw_on_entry(dentry, pw_hinted_mount(dentry, 0), PW_OP_DELETE,
					   PW_EH_INODE_UNLINK);
}

SEC("lsm/inode_rmdir")
int BPF_PROG(pw_inode_rmdir, struct inode *dir, struct dentry *dentry, int ret)
{
	return ret ? ret : pw_on_entry(dentry, pw_hinted_mount(dentry, 0), PW_OP_DELETE,
					   PW_EH_INODE_RMDIR);
}

/* A rename is rename on the source and create in the destination directory;
 * RENAME_EXCHANGE calls this hook once per direction. Both ends are in one
 * mount (the kernel refuses a rename across mounts with EXDEV first). */
SEC("lsm/inode_rename")
int BPF_PROG(pw_inode_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, int ret)
{
	struct vfsmount *mnt;

	if (ret)
		return ret;
	mnt = pw_hinted_mount(old_dentry, 0);
	ret = pw_on_entry(old_dentry, mnt, PW_OP_RENAME, PW_EH_INODE_RENAME);
	return ret ? ret : pw_on_create(new_dentry, mnt, PW_EH_INODE_RENAME);
}

/* Link: the source and the new entry are in one mount too (EXDEV). */
SEC("lsm/inode_link")
int BPF_PROG(pw_inode_link, struct dentry *old_dentry, struct inode *dir, struct dentry *new_dentry,
	     int ret)
{
	struct vfsmount *mnt;

	if (ret)
		return ret;
	mnt = pw_hinted_mount(old_dentry, 0);
	ret = pw_on_entry(old_dentry, mnt, PW_OP_LINK, PW_EH_INODE_LINK);
	return ret ? ret : pw_on_create(new_dentry, mnt, PW_EH_INODE_LINK);
}

/* chmod, chown, utimes, truncate. Raw context: the argument list differs by
 * kernel; the struct iattr comes right after the dentry. */
SEC("lsm/inode_setattr")
int pw_inode_setattr(unsigned long long *ctx)
{
	struct iattr *attr;
	struct dentry *d;
	int ret;

	/* The barriers keep clang from merging both loads into one at a
	 * computed ctx offset, which the verifier refuses. */
	if (setattr_dentry_arg) {
		d = (struct dentry *)ctx[1];
		barrier_var(d);
		attr = (struct iattr *)ctx[2];
		barrier_var(attr);
		ret = (int)ctx[3];
		barrier_var(ret);
	} else {
		d = (struct dentry *)ctx[0];
		barrier_var(d);
		attr = (struct iattr *)ctx[1];
		barrier_var(attr);
		ret = (int)ctx[2];
		barrier_var(ret);
	}
	if (ret)
		return ret;
	return pw_on_entry(d, pw_hinted_mount(d, BPF_CORE_READ(attr, ia_valid)), PW_OP_SETATTR,
			   PW_EH_INODE_SETATTR);
}

/* The path_* hooks decide nothing: the kernel calls them just before the
 * inode hook of the same operation, with the mount, which they hand over
 * (pw_mount_hint.h). Each returns the verdict it was given. */

SEC("lsm/path_mknod")
int BPF_PROG(pw_path_mknod, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	if (!ret)
		pw_hint(BPF_CORE_READ(dir, mnt), dentry, NULL, 0);
	return ret;
}

SEC("lsm/path_mkdir")
int BPF_PROG(pw_path_mkdir, const struct path *dir, struct dentry *dentry, umode_t mode, int ret)
{
	if (!ret)
		pw_hint(BPF_CORE_READ(dir, mnt), dentry, NULL, 0);
	return ret;
}

SEC("lsm/path_symlink")
int BPF_PROG(pw_path_symlink, const struct path *dir, struct dentry *dentry, const char *old_name,
	     int ret)
{
	if (!ret)
		pw_hint(BPF_CORE_READ(dir, mnt), dentry, NULL, 0);
	return ret;
}

SEC("lsm/path_unlink")
int BPF_PROG(pw_path_unlink, const struct path *dir, struct dentry *dentry, int ret)
{
	if (!ret)
		pw_hint(BPF_CORE_READ(dir, mnt), dentry, NULL, 0);
	return ret;
}

SEC("lsm/path_rmdir")
int BPF_PROG(pw_path_rmdir, const struct path *dir, struct dentry *dentry, int ret)
{
	if (!ret)
		pw_hint(BPF_CORE_READ(dir, mnt), dentry, NULL, 0);
	return ret;
}

/* Called once, RENAME_EXCHANGE included (the flags say which): the inode
 * hook's calls in either direction name the same two dentries. */
SEC("lsm/path_rename")
int BPF_PROG(pw_path_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	if (!ret)
		pw_hint(BPF_CORE_READ(old_dir, mnt), old_dentry, new_dentry, 0);
	return ret;
}

SEC("lsm/path_link")
int BPF_PROG(pw_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	if (!ret)
		pw_hint(BPF_CORE_READ(new_dir, mnt), old_dentry, new_dentry, 0);
	return ret;
}

SEC("lsm/path_chmod")
int BPF_PROG(pw_path_chmod, const struct path *path, umode_t mode, int ret)
{
	if (!ret)
		pw_hint(BPF_CORE_READ(path, mnt), BPF_CORE_READ(path, dentry), NULL, PW_ATTR_MODE);
	return ret;
}

/* kuid_t and kgid_t are one-word structs; BPF_PROG takes them as words. */
SEC("lsm/path_chown")
int BPF_PROG(pw_path_chown, const struct path *path, __u32 uid, __u32 gid, int ret)
{
	if (!ret)
		pw_hint(BPF_CORE_READ(path, mnt), BPF_CORE_READ(path, dentry), NULL, PW_ATTR_CHOWN);
	return ret;
}

/* truncate(2); on 6.1 also ftruncate(2) and O_TRUNC (later kernels send
 * those through file_truncate, which is not hooked: no hint, no crossing). */
SEC("lsm/path_truncate")
int BPF_PROG(pw_path_truncate, const struct path *path, int ret)
{
	if (!ret)
		pw_hint(BPF_CORE_READ(path, mnt), BPF_CORE_READ(path, dentry), NULL, PW_ATTR_SIZE);
	return ret;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
