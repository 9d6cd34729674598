/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Records shared by the kernel programs and user space. User space never
 * copies these layouts by hand: src/kernel/abi reads sizes and offsets from
 * the built object's BTF and a test checks its codecs against them. */
#ifndef PW_ABI_H
#define PW_ABI_H

#define PW_COMM_LEN 16

/* Which hook produced an event. */
enum pw_hook {
	PW_HOOK_FILE_OPEN = 1,
};

/* What the hook decided. */
enum pw_verdict {
	PW_VERDICT_ALLOW = 0,
	PW_VERDICT_DENY = 1,
	PW_VERDICT_AUDIT = 2, /* would deny, but the program runs in audit mode */
};

/* A file is identified by its superblock's device and its inode number, never
 * by a path string. dev uses the kernel's encoding (major << 20 | minor). */
struct pw_file_key {
	__u64 ino;
	__u32 dev;
	__u32 pad;
};

/* One decision, sent through the pw_events ring buffer. */
struct pw_event {
	__u64 ts_ns;
	__u64 cgroup_id;
	__u64 ino;
	__u32 dev;
	__u32 pid;
	__u32 tgid;
	__u32 uid;
	__u32 gid;
	__u32 hook;    /* enum pw_hook */
	__u32 verdict; /* enum pw_verdict */
	__u32 pad;
	char comm[PW_COMM_LEN];
};

#define PW_MAX_CGROUP_DEPTH 8 /* cgroup levels below the root that identify a subject */
#define PW_MAX_PATH_DEPTH 16  /* directory levels a tree rule can sit above a file */

/* Who is asking, as the kernel sees it at hook time. cgroups[0] is the task's
 * own cgroup, cgroups[i] its i-th ancestor (the root is not listed). */
struct pw_subject {
	__u32 uid;
	__u32 gid;
	__u32 loginuid; /* (u32)-1 when never set */
	__u32 cgroup_count;
	__u64 exe_ino;
	__u32 exe_dev;
	__u32 pad;
	__u64 cgroups[PW_MAX_CGROUP_DEPTH];
};

/* Clang emits BTF only for types that some global refers to. Each program
 * that produces these records invokes PW_ABI_EXPORT() once, so user space can
 * read their layout from the object's BTF (src/abi/abi.test.ts). The pointers
 * cost 8 bytes of .bss each and are never used. */
#define PW_ABI_EXPORT()                                                          \
	const struct pw_event *pw_abi_event __attribute__((unused));             \
	const struct pw_file_key *pw_abi_file_key __attribute__((unused));       \
	const enum pw_hook *pw_abi_hook __attribute__((unused));                 \
	const enum pw_verdict *pw_abi_verdict __attribute__((unused));         \
	const struct pw_subject *pw_abi_subject __attribute__((unused))

#endif
