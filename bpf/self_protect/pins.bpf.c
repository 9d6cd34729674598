// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* self_protect, pins: once sealed, nobody but the agent may open a pinned
 * Proofwall object, remove or rename a pin or a directory that holds pins, or
 * unmount the bpffs they live on. pw_guarded_pins names each pin and each
 * directory (enum pw_pin_kind), so a tree of pins (enforce/maps, enforce/links)
 * is guarded at every level. The inode hooks see the inode the kernel
 * operates on, whichever path or mount namespace led there. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "pw_abi.h"
#include "pw_protect.h"
#include "pw_protect_maps.h"
#include "pw_seal.h"

/* What pw_guarded_pins says of `inode`: PW_PIN_OBJECT, PW_PIN_DIR, or 0. The
 * key carries the device, so an inode of another filesystem is simply absent. */
static __always_inline __u8 pin_kind(struct inode *inode)
{
	struct pw_file_key key = {};
	__u8 *kind;

	if (!inode)
		return 0;
	key.ino = inode->i_ino;
	key.dev = inode->i_sb->s_dev;
	kind = bpf_map_lookup_elem(&pw_guarded_pins, &key);
	return kind ? *kind : 0;
}

static __always_inline bool is_pin_dir(struct inode *inode)
{
	return pin_kind(inode) == PW_PIN_DIR;
}

/* BPF_OBJ_GET checks permission on the pinned inode whatever path (bind
 * mount, symlink, relative) led there; links have no bpf_link hook.
 * Directories stay open: looking up and listing pins reveals nothing. */
SEC("lsm/inode_permission")
int BPF_PROG(pw_inode_permission, struct inode *inode, int mask, int ret)
{
	struct pw_seal *s;

	if (ret)
		return ret;
	s = sealed();
	/* The device first: this hook runs on every permission check of every file. */
	if (!s || inode->i_sb->s_dev != s->pin_dir_dev || pin_kind(inode) != PW_PIN_OBJECT ||
	    is_agent(s))
		return 0;
	return deny(PW_PROTECT_INODE_PERMISSION, mask, inode->i_ino);
}

SEC("lsm/inode_unlink")
int BPF_PROG(pw_inode_unlink, struct inode *dir, struct dentry *dentry, int ret)
{
	struct pw_seal *s;

	if (ret)
		return ret;
	s = sealed();
	if (!s || !(is_pin_dir(dir) || pin_kind(dentry->d_inode)) || is_agent(s))
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
	if (!s || !(is_pin_dir(dir) || is_pin_dir(dentry->d_inode)) || is_agent(s))
		return 0;
	return deny(PW_PROTECT_INODE_RMDIR, 0, dentry->d_inode->i_ino);
}

/* Moving a pin or a guarded directory, moving anything into or out of one, or
 * replacing a guarded entry by renaming over it. */
SEC("lsm/inode_rename")
int BPF_PROG(pw_inode_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, int ret)
{
	struct pw_seal *s;

	if (ret)
		return ret;
	s = sealed();
	if (!s || !(is_pin_dir(old_dir) || is_pin_dir(new_dir) || pin_kind(old_dentry->d_inode) ||
		    pin_kind(new_dentry->d_inode)) ||
	    is_agent(s))
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

/* Weak: every file of the object carries it, the linker keeps one. */
char LICENSE[] SEC("license") __weak = "Dual BSD/GPL";
