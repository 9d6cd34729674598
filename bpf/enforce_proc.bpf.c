// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* enforce_proc: the process and kernel classes of a compiled policy (exec,
 * anonymous executable memory, capabilities, ptrace, mount, moduleLoad; docs/enforcement.md). The subject
 * is always the current task; the maps are the ones enforce_file owns. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "pw_policy.h"
#include "pw_policy_maps.h"
#include "pw_policy_decide.h"
#include "pw_policy_report.h"
#include "pw_overlay.h"

#define PF_KTHREAD 0x00200000
#define PTRACE_MODE_ATTACH 0x02
#define PROT_EXEC 0x4
#define VM_EXEC 0x4

PW_POLICY_EXPORT();
const enum pw_ptrace_mode *pw_abi_ptrace_mode __attribute__((unused));
const enum pw_exec_item *pw_abi_exec_item __attribute__((unused));

/* A non-file request: one item of one class. */
static __always_inline int pw_on_item(__u32 cls, __u32 item, __u32 hook, __u64 ino)
{
	struct pw_req r = {};
	__u64 score;

	pw_begin_config(&r, cls);
	score = pw_item_score(&r, item);
	r.ino = ino;
	return pw_finish(&r, hook, score);
}

/* An overlay file executed is also the layer's file beneath it, the one
 * whose contents run: where a rule matches on that file or its directories,
 * the stricter of it and the overlay file's own score decides (both must
 * pass), and the request names the file whose score it is. */
static __always_inline __u64 pw_exec_layer(struct pw_req *r, struct file *file, __u64 own)
{
	struct file *layer = pw_overlay_layer_file(file);
	struct inode *inode = layer ? BPF_CORE_READ(layer, f_inode) : NULL;
	struct dentry *d = pw_alias_of(inode);
	__u64 score;

	if (!d)
		return own;
	score = pw_file_score(r, d, NULL, 0, 0);
	if (!score || pw_action_of(r, score) <= pw_action_of(r, own))
		return own;
	r->ino = BPF_CORE_READ(inode, i_ino);
	r->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	return score;
}

/* Executing a file: the file and its directories, across mounts, as for
 * opens, and the layer's file beneath an overlay's. A file with no link left
 * (memfd_create, O_TMPFILE, deleted after open) is the memfd item: it has no
 * place in any tree. Scripts come here once for the script and once for each
 * interpreter. */
SEC("lsm/bprm_check_security")
int BPF_PROG(pw_bprm_check_security, struct linux_binprm *bprm, int ret)
{
	struct file *file = BPF_CORE_READ(bprm, file);
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
	struct pw_req r = {};
	__u64 score;

	if (ret)
		return ret;
	r.ino = BPF_CORE_READ(inode, i_ino);
	r.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (BPF_CORE_READ(inode, i_nlink) == 0) {
		pw_begin_config(&r, PW_CLASS_EXEC);
		score = pw_item_score(&r, PW_EXEC_MEMFD);
	} else {
		pw_begin(&r, PW_CLASS_EXEC);
		score = pw_file_score(&r, d, BPF_CORE_READ(file, f_path.mnt), 0, 0);
		score = pw_exec_layer(&r, file, score);
	}
	return pw_finish(&r, PW_EH_BPRM_CHECK, score);
}

/* Memory that no linked file backs: anonymous memory, private or shared (a
 * shared mapping's shmem file has no link), a memfd, a deleted file. */
static __always_inline int pw_fileless(struct file *file)
{
	return !file || BPF_CORE_READ(file, f_inode, i_nlink) == 0;
}

/* Making such memory executable: the anonymousMemory item of exec. The exec
 * default does not decide it: JIT runtimes (V8, the JVM) do it all the time,
 * so a deny default would stop them all; only a rule does. */
static __always_inline int pw_on_anonymous_exec(struct file *file, __u32 hook)
{
	struct pw_req r = {};
	__u64 score;

	pw_begin_config(&r, PW_CLASS_EXEC);
	r.cfg.deny_defaults &= ~(1u << PW_CLASS_EXEC);
	score = pw_item_score(&r, PW_EXEC_ANONYMOUS_MEMORY);
	r.ino = file ? BPF_CORE_READ(file, f_inode, i_ino) : 0;
	return pw_finish(&r, hook, score);
}

/* mmap(2) and the kernel's own mappings (the ELF loader). prot, not reqprot:
 * prot is what the mapping gets, with PROT_EXEC added when the personality
 * has READ_IMPLIES_EXEC. Most mappings leave at the first test. */
SEC("lsm/mmap_file")
int BPF_PROG(pw_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags, int ret)
{
	if (ret || !(prot & PROT_EXEC) || !pw_fileless(file))
		return ret;
	return pw_on_anonymous_exec(file, PW_EH_MMAP_FILE);
}

/* mprotect(2) and pkey_mprotect(2) turning PROT_EXEC on; a mapping that is
 * executable already was decided when it became so. */
SEC("lsm/file_mprotect")
int BPF_PROG(pw_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot, int ret)
{
	struct file *file;

	if (ret || !(prot & PROT_EXEC) || (BPF_CORE_READ(vma, vm_flags) & VM_EXEC))
		return ret;
	file = BPF_CORE_READ(vma, vm_file);
	return pw_fileless(file) ? pw_on_anonymous_exec(file, PW_EH_FILE_MPROTECT) : 0;
}

/* Runs on every capability check, often in hot paths. Held capabilities only
 * (ret is already -EPERM otherwise), the task's own credentials only (not
 * another task's or a file opener's, which has_capability and
 * file_ns_capable pass), and never kernel threads: they are the kernel, not
 * a subject, and denying them could wedge the system. */
SEC("lsm/capable")
int BPF_PROG(pw_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (ret)
		return ret;
	if ((task->flags & PF_KTHREAD) || cred != task->cred)
		return 0;
	return pw_on_item(PW_CLASS_CAPABILITIES, cap, PW_EH_CAPABLE, 0);
}

/* ptrace attach, process_vm_readv/writev and /proc/<pid>/mem ask ATTACH;
 * reading /proc/<pid> state asks READ. The kernel never asks this about the
 * task's own thread group. */
SEC("lsm/ptrace_access_check")
int BPF_PROG(pw_ptrace_access_check, struct task_struct *child, unsigned int mode, int ret)
{
	__u32 item = mode & PTRACE_MODE_ATTACH ? PW_PTRACE_ATTACH : PW_PTRACE_READ;

	if (ret)
		return ret;
	return pw_on_item(PW_CLASS_PTRACE, item, PW_EH_PTRACE_ACCESS, BPF_CORE_READ(child, tgid));
}

/* mount(2): new mounts, bind mounts, remounts, moves. */
SEC("lsm/sb_mount")
int BPF_PROG(pw_sb_mount, const char *dev_name, const struct path *path, const char *type,
	     unsigned long flags, void *data, int ret)
{
	return ret ? ret : pw_on_item(PW_CLASS_MOUNT, PW_ITEM_ANY, PW_EH_SB_MOUNT, 0);
}

/* The new mount API (fsopen, open_tree, fsmount) attaches through move_mount. */
SEC("lsm/move_mount")
int BPF_PROG(pw_move_mount, const struct path *from_path, const struct path *to_path, int ret)
{
	return ret ? ret : pw_on_item(PW_CLASS_MOUNT, PW_ITEM_ANY, PW_EH_MOVE_MOUNT, 0);
}

/* finit_module reads the module from a file. */
SEC("lsm/kernel_read_file")
int BPF_PROG(pw_kernel_read_file, struct file *file, enum kernel_read_file_id id, bool contents,
	     int ret)
{
	if (ret || id != bpf_core_enum_value(enum kernel_read_file_id, READING_MODULE))
		return ret;
	return pw_on_item(PW_CLASS_MODULE_LOAD, PW_ITEM_ANY, PW_EH_KERNEL_READ_FILE,
			  BPF_CORE_READ(file, f_inode, i_ino));
}

/* init_module passes the module as a buffer. */
SEC("lsm/kernel_load_data")
int BPF_PROG(pw_kernel_load_data, enum kernel_load_data_id id, bool contents, int ret)
{
	if (ret || id != bpf_core_enum_value(enum kernel_load_data_id, LOADING_MODULE))
		return ret;
	return pw_on_item(PW_CLASS_MODULE_LOAD, PW_ITEM_ANY, PW_EH_KERNEL_LOAD_DATA, 0);
}

/* A request that makes the kernel run modprobe for the task (socket(AF_X),
 * a missing filesystem type, ...): the task is loading a module. */
SEC("lsm/kernel_module_request")
int BPF_PROG(pw_kernel_module_request, char *kmod_name, int ret)
{
	return ret ? ret
		   : pw_on_item(PW_CLASS_MODULE_LOAD, PW_ITEM_ANY, PW_EH_KERNEL_MODULE_REQUEST, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
