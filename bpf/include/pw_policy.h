/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Records of the compiled policy (src/compile writes them, the enforce_*
 * programs read them) and of the decisions the programs report. The TS codecs
 * in src/abi/policy.ts are checked against the built object's BTF. */
#ifndef PW_POLICY_H
#define PW_POLICY_H

#define PW_GENERATIONS 2       /* the active policy and the one being written */
#define PW_MAX_ANCESTORS 32    /* directories above a file that trees are matched on */
#define PW_MAX_GROUPS 32       /* supplementary groups checked */
#define PW_MAX_PLACE_LEVEL 15  /* deepest cgroup level a placement may name */
#define PW_RULE_NONE 0xffffffffu /* rule index of a class default */
#define PW_OP_ANCESTOR 0x80    /* file op flag: the named inode is a directory above */
#define PW_OP_ANY_TYPE 0xff    /* sockets op: a rule that names no socket types */
#define PW_NET_PORTS 16        /* port/protocol rows per network trie entry */
#define PW_NET_HEADER_BITS 128 /* bits of struct pw_net_key before the address */

/* Resource classes, in the order of RESOURCE_KEYS (src/policy/schema-resources.ts). */
enum pw_class {
	PW_CLASS_FILES = 1,
	PW_CLASS_NETWORK = 2,
	PW_CLASS_SOCKETS = 3,
	PW_CLASS_UNIX = 4,
	PW_CLASS_CAPABILITIES = 5,
	PW_CLASS_EXEC = 6,
	PW_CLASS_PTRACE = 7,
	PW_CLASS_MOUNT = 8,
	PW_CLASS_MODULE_LOAD = 9,
};

/* File operations, in the order of FILE_OPERATIONS. */
enum pw_file_op {
	PW_OP_READ = 0,
	PW_OP_WRITE = 1,
	PW_OP_CREATE = 2,
	PW_OP_DELETE = 3,
	PW_OP_RENAME = 4,
	PW_OP_LINK = 5,
	PW_OP_SETATTR = 6,
};

/* What a name in the policy is; the kind doubles as the identity rank for
 * identities (group 1 < user 2 < login user 3, none 0). */
enum pw_ident_kind {
	PW_IDENT_NONE = 0,
	PW_IDENT_GROUP = 1,
	PW_IDENT_USER = 2,
	PW_IDENT_LOGIN = 3,
};

enum pw_object_kind {
	PW_OBJ_FILE = 1,   /* a file or tree root named by a rule's resource */
	PW_OBJ_EXE = 2,    /* an executable named by a subject */
	PW_OBJ_CGROUP = 3, /* a placement (cgroup id) named by a subject */
	PW_OBJ_GID = 4,    /* a group named by a subject */
	PW_OBJ_RESOURCE = 5, /* a non-file resource a rule names: value = class << 32 | item */
};

/* Items of PW_OBJ_RESOURCE: the capability number for capabilities, the mode
 * for ptrace, PW_ITEM_ANY for mount and module load, enum pw_exec_item for
 * the exec requests that name no file. */
enum pw_ptrace_mode {
	PW_PTRACE_READ = 0,
	PW_PTRACE_ATTACH = 1,
};
#define PW_ITEM_ANY 0

enum pw_exec_item {
	PW_EXEC_MEMFD = PW_ITEM_ANY,   /* execve of a file with no link left */
	PW_EXEC_ANONYMOUS_MEMORY = 1, /* executable memory that no linked file backs */
};

/* pw_objects: named things -> a small id (nonzero) used in rule keys. value
 * is the inode, cgroup id or gid; dev only for files. */
struct pw_object_key {
	__u64 value;
	__u32 dev;
	__u8 gen;
	__u8 kind; /* enum pw_object_kind */
	__u16 pad;
};

/* pw_rules: (subject key, class, resource, operation) -> best score. A
 * subject key is (exe id | 0, placement id | 0, identity kind, identity value). */
struct pw_rule_key {
	__u32 exe;
	__u32 place;
	__u32 ident;
	__u32 res; /* inode id for files; class-specific otherwise */
	__u8 gen;
	__u8 cls;        /* enum pw_class */
	__u8 op;         /* enum pw_file_op, | PW_OP_ANCESTOR */
	__u8 ident_kind; /* enum pw_ident_kind */
};

/* A score orders matching entries exactly as decide() ranks rules; bigger
 * wins, 0 means no entry. Bits: 0-31 inverted rule index (earlier wins),
 * 32-33 action (allow 0, audit 1, deny 2), 34-35 identity rank, 36-40
 * placement level + 1, 41 executable given, 48-63 resource rank. */
#define PW_SCORE_ACTION(s) (((s) >> 32) & 3)
#define PW_SCORE_RULE(s) (0xffffffffu - (__u32)(s))

/* pw_config[gen]: what is not a map entry. shapes has bit
 * exe * 8 + placement * 4 + identity kind for each subject shape in use. */
struct pw_config {
	__u32 audit_mode;     /* report denials, never deny */
	__u32 deny_defaults;  /* bit (1 << class): the class default is deny */
	__u32 shapes;
	__u32 cgroup_levels;  /* bit (1 << level): some placement sits at that level */
};

/* The outcome counted per hook and reported in events. */
enum pw_outcome {
	PW_OUT_ALLOW = 0,
	PW_OUT_DENY = 1,
	PW_OUT_AUDIT = 2,      /* an audit rule: allowed and reported */
	PW_OUT_WOULD_DENY = 3, /* a deny in audit mode: allowed and reported */
	PW_OUT_COUNT = 4,
};

enum pw_enforce_hook {
	PW_EH_FILE_OPEN = 1,
	PW_EH_FILE_RECEIVE = 2,
	PW_EH_INODE_CREATE = 3,
	PW_EH_INODE_MKDIR = 4,
	PW_EH_INODE_SYMLINK = 5,
	PW_EH_INODE_MKNOD = 6,
	PW_EH_INODE_UNLINK = 7,
	PW_EH_INODE_RMDIR = 8,
	PW_EH_INODE_RENAME = 9,
	PW_EH_INODE_LINK = 10,
	PW_EH_INODE_SETATTR = 11,
	PW_EH_SOCKET_CONNECT = 12,
	PW_EH_SOCKET_SENDMSG = 13,
	PW_EH_SOCKET_CREATE = 14,
	PW_EH_UNIX_STREAM_CONNECT = 15,
	PW_EH_UNIX_MAY_SEND = 16,
	/* 17-19: free. */
	PW_EH_BPRM_CHECK = 20,
	PW_EH_CAPABLE = 21,
	PW_EH_PTRACE_ACCESS = 22,
	PW_EH_SB_MOUNT = 23,
	PW_EH_MOVE_MOUNT = 24,
	PW_EH_KERNEL_READ_FILE = 25,
	PW_EH_KERNEL_LOAD_DATA = 26,
	PW_EH_KERNEL_MODULE_REQUEST = 27,
	PW_EH_MMAP_FILE = 28,
	PW_EH_FILE_MPROTECT = 29,
	PW_EH_COUNT = 30,
};

/* Protocols a network row covers (bits). ICMP (ICMPv6 for IPv6) has no port:
 * only rows of rules without ports carry PW_PROTO_ICMP, and they span 0-65535. */
enum pw_net_proto {
	PW_PROTO_TCP = 1,
	PW_PROTO_UDP = 2,
	PW_PROTO_ICMP = 4,
};

/* pw_net, an LPM trie: (generation, subject key, family, address prefix) ->
 * the port/protocol rows of the rules with exactly that prefix. prefixlen
 * counts PW_NET_HEADER_BITS for the fixed part plus the CIDR's prefix, so one
 * trie holds every subject key and both families without mixing them. */
struct pw_net_key {
	__u32 prefixlen;
	__u8 gen;
	__u8 ident_kind; /* enum pw_ident_kind */
	__u8 family;     /* 4 or 6 */
	__u8 pad;
	__u32 exe;
	__u32 place;
	__u32 ident;
	__u8 addr[16]; /* network byte order; IPv4 in the first 4 bytes */
};

struct pw_net_port {
	__u64 score; /* resource rank: prefix * 4 + ports given * 2 + protocols given */
	__u16 lo;    /* port range, host order; 0-65535 when the rule names no ports */
	__u16 hi;
	__u8 protocols; /* enum pw_net_proto bits */
	__u8 pad[3];
};

struct pw_net_value {
	__u32 prefix; /* the CIDR's prefix length, which the trie does not return */
	__u32 count;  /* rows in use */
	struct pw_net_port ports[PW_NET_PORTS];
};

/* One reported decision, through the pw_decisions ring buffer. */
struct pw_decision {
	__u64 ts_ns;
	__u64 cgroup_id;
	__u64 ino;     /* the inode the decision was about (the directory for create,
			* the socket file for unix; for ptrace the target's tgid; 0 for
			* the other classes) */
	__u64 exe_ino;
	__u32 dev;
	__u32 exe_dev;
	__u32 pid;
	__u32 tgid;
	__u32 uid;
	__u32 loginuid;
	__u32 hook;       /* enum pw_enforce_hook */
	__u32 outcome;    /* enum pw_outcome */
	__u32 rule;       /* rule index, PW_RULE_NONE for a class default */
	__u32 op;         /* enum pw_file_op; the item (capability, ptrace mode) otherwise */
	__u32 suppressed; /* events of this (process, rule) dropped by the rate limit since the last */
	__u32 gen;
	char comm[16];
	/* Network and socket requests (zero otherwise): the destination, or the
	 * created socket's family and protocol (its type is in op). */
	__u8 addr[16];  /* network byte order; IPv4 in the first 4 bytes */
	__u16 port;
	__u8 family;    /* AF_INET, AF_INET6, or the socket family */
	__u8 protocol;  /* IPPROTO_* */
	__u32 pad;
};

#define PW_POLICY_EXPORT()                                                          \
	const struct pw_object_key *pw_abi_object_key __attribute__((unused));      \
	const struct pw_rule_key *pw_abi_rule_key __attribute__((unused));          \
	const struct pw_config *pw_abi_config __attribute__((unused));              \
	const struct pw_decision *pw_abi_decision __attribute__((unused));          \
	const enum pw_class *pw_abi_class __attribute__((unused));                  \
	const enum pw_file_op *pw_abi_file_op __attribute__((unused));              \
	const enum pw_ident_kind *pw_abi_ident_kind __attribute__((unused));        \
	const enum pw_object_kind *pw_abi_object_kind __attribute__((unused));      \
	const enum pw_outcome *pw_abi_outcome __attribute__((unused));              \
	const enum pw_enforce_hook *pw_abi_enforce_hook __attribute__((unused));    \
	const struct pw_net_key *pw_abi_net_key __attribute__((unused));            \
	const struct pw_net_value *pw_abi_net_value __attribute__((unused));        \
	const enum pw_net_proto *pw_abi_net_proto __attribute__((unused))

#endif
