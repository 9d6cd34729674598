/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Files of an overlay (overlayfs) and the layer files beneath them. An open
 * overlay file has an inode of the overlay's own (its device, its
 * directories), which no policy names; the file it reads is a layer's, in a
 * tree the policy may name. These helpers find that layer file where the
 * hooks are handed the overlay's (docs/enforcement.md, "The walk across
 * mounts"). Requires vmlinux.h and bpf_core_read.h first. */
#ifndef PW_OVERLAY_H
#define PW_OVERLAY_H

#define PW_OVERLAYFS_MAGIC 0x794c7630
#define PW_S_IFMT 00170000
#define PW_S_IFREG 0100000

/* A dentry of inode: the first of its names (i_dentry), or NULL. A file with
 * several hard links is walked from whichever name the kernel lists first. */
static __always_inline struct dentry *pw_alias_of(struct inode *inode)
{
	struct hlist_node *alias = inode ? BPF_CORE_READ(inode, i_dentry.first) : NULL;

	if (!alias)
		return NULL;
	return (struct dentry *)((__u64)alias - bpf_core_field_offset(struct dentry, d_u.d_alias));
}

/* The layer's file beneath an open overlay file, or NULL. overlayfs keeps it
 * in a regular file's private_data once the overlay's open has run (so not
 * yet at the overlay file's own file_open, only at exec and file_receive),
 * and before 6.6 opens it with the overlay's path (open_with_fake_path): its
 * f_path.dentry is the overlay file's own. That equality is required, so a
 * private_data of another shape (a later kernel's) is never taken for a
 * layer file: such a kernel gets no layer walk from here. */
static __always_inline struct file *pw_overlay_layer_file(struct file *file)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct file *layer;

	if (!inode || BPF_CORE_READ(inode, i_sb, s_magic) != PW_OVERLAYFS_MAGIC ||
	    (BPF_CORE_READ(inode, i_mode) & PW_S_IFMT) != PW_S_IFREG)
		return NULL;
	layer = BPF_CORE_READ(file, private_data);
	if (!layer || BPF_CORE_READ(layer, f_path.dentry) != BPF_CORE_READ(file, f_path.dentry))
		return NULL;
	return BPF_CORE_READ(layer, f_inode) == inode ? NULL : layer;
}

#endif
