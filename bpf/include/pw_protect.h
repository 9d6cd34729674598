/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Records of self_protect.bpf.c shared with user space (src/protect/). As with
 * pw_abi.h, user space never trusts this text: src/protect/records.test.ts
 * compares its codecs with the built object's BTF. */
#ifndef PW_PROTECT_H
#define PW_PROTECT_H

/* Which self-protection hook refused something. */
enum pw_protect_hook {
	PW_PROTECT_BPF = 1,
	PW_PROTECT_BPF_MAP = 2,
	PW_PROTECT_BPF_PROG = 3,
	PW_PROTECT_INODE_PERMISSION = 4,
	PW_PROTECT_INODE_UNLINK = 5,
	PW_PROTECT_INODE_RENAME = 6,
	PW_PROTECT_INODE_RMDIR = 7,
	PW_PROTECT_SB_UMOUNT = 8,
	PW_PROTECT_TASK_KILL = 9,
	PW_PROTECT_PTRACE = 10,
	PW_PROTECT_KERNEL_READ_FILE = 11,
	PW_PROTECT_KERNEL_LOAD_DATA = 12,
	PW_PROTECT_LOCKED_DOWN = 13,
};

/* Kinds of BPF objects, as keys of pw_protected_objects. */
enum pw_object_kind {
	PW_OBJECT_MAP = 1,
	PW_OBJECT_PROG = 2,
	PW_OBJECT_LINK = 3,
};

/* Values of pw_guarded_pins. A pinned object may not be opened; a directory
 * stays open for lookups and listing, but its entries may not be removed or
 * renamed. Either may not itself be removed or renamed. */
enum pw_pin_kind {
	PW_PIN_OBJECT = 1,
	PW_PIN_DIR = 2,
};

/* Bits of pw_seal.flags. Only ACTIVE is needed to protect Proofwall itself;
 * the others are policy switches that close routes around it. */
enum pw_seal_flag {
	PW_SEAL_ACTIVE = 1,
	PW_SEAL_DENY_MODULES = 2,   /* init_module / finit_module */
	PW_SEAL_DENY_KEXEC = 4,     /* kexec_load / kexec_file_load */
	PW_SEAL_LOCKDOWN = 8,       /* integrity lockdown reasons (/dev/mem, ...) */
};

/* A protected object: its kind and its kernel id (map->id, prog->aux->id,
 * link->id). Ids are never reused while the object lives. */
struct pw_object_key {
	__u32 kind; /* enum pw_object_kind */
	__u32 id;
};

/* The single entry of pw_seal. User space writes agent_tgid, the pin
 * directory and flags; the kernel fills the rest on the agent's next bpf()
 * call (the claim), so no identity field is ever taken from user space. */
struct pw_seal {
	__u64 agent_start_time; /* task->group_leader->start_time, ns; 0 = unclaimed */
	__u64 agent_exe_ino;    /* mm->exe_file inode */
	__u32 agent_exe_dev;    /* its superblock's s_dev */
	__u32 agent_tgid;
	__u64 pin_dir_ino;      /* the bpffs directory under which every pin lives */
	__u32 pin_dir_dev;      /* its bpffs: the one that may not be unmounted */
	__u32 flags;            /* enum pw_seal_flag */
};

/* One refused tamper attempt, sent through pw_tamper_events. */
struct pw_tamper_event {
	__u64 ts_ns;
	__u64 target;  /* object id, inode, target tgid or file id: see the hook */
	__u32 pid;
	__u32 tgid;
	__u32 uid;
	__u32 hook;    /* enum pw_protect_hook */
	__u32 detail;  /* bpf cmd, signal, ptrace mode, prog type, ... */
	__u32 pad;
	char comm[16];
	__u64 cgroup_id; /* the caller's cgroup (v2): who tried, as events name it */
};

#define PW_PROTECT_EXPORT()                                                        \
	const struct pw_tamper_event *pw_protect_event __attribute__((unused));    \
	const struct pw_seal *pw_protect_seal __attribute__((unused));             \
	const struct pw_object_key *pw_protect_object __attribute__((unused));     \
	const enum pw_protect_hook *pw_protect_hook_enum __attribute__((unused));  \
	const enum pw_object_kind *pw_protect_kind_enum __attribute__((unused));   \
	const enum pw_seal_flag *pw_protect_flag_enum __attribute__((unused));     \
	const enum pw_pin_kind *pw_protect_pin_kind_enum __attribute__((unused))

#endif
