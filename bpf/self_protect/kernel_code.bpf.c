// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* self_protect, kernel code: the seal's policy switches. Modules and kexec
 * run code with full kernel privilege, which could simply unhook Proofwall;
 * the integrity lockdown reasons (/dev/mem, ioport, msr, ...) write kernel
 * memory. Each is refused to all but the agent when its switch is set. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "pw_abi.h"
#include "pw_protect.h"
#include "pw_protect_maps.h"
#include "pw_seal.h"

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

/* Weak: every file of the object carries it, the linker keeps one. */
char LICENSE[] SEC("license") __weak = "Dual BSD/GPL";
