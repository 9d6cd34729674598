// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* enforce_sock: the sockets and unix classes of a compiled policy
 * (docs/enforcement.md). Socket creation is a pw_rules key by family and
 * type; a unix socket is a pw_rules key by its file's object id, like an
 * exact file. The policy lives in maps only, shared with the other enforce_*
 * objects. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "pw_policy.h"
#include "pw_policy_maps.h"
#include "pw_policy_decide.h"
#include "pw_policy_report.h"

#define AF_UNIX 1
#define SOCK_TYPE_MASK 0xf

PW_POLICY_EXPORT();

/* Family and type; a rule that names types outranks one that does not, so
 * both keys are looked up. Sockets the kernel makes for itself are not requests. */
SEC("lsm/socket_create")
int BPF_PROG(pw_socket_create, int family, int type, int protocol, int kern, int ret)
{
	struct pw_req r = {};
	__u32 t = type & SOCK_TYPE_MASK;
	__u64 typed, any;

	if (ret || kern)
		return ret;
	pw_begin(&r, PW_CLASS_SOCKETS);
	r.family = family;
	r.protocol = protocol;
	r.op = t;
	typed = pw_key_score(&r, family, t);
	any = pw_key_score(&r, family, PW_OP_ANY_TYPE);
	return pw_finish(&r, PW_EH_SOCKET_CREATE, typed > any ? typed : any);
}

/* The socket file other is bound to, by device and inode. An abstract or
 * unbound socket has no file: not a unix-class request. */
static __always_inline int pw_on_unix(struct sock *other, __u32 hook)
{
	struct unix_sock *u = (struct unix_sock *)other;
	struct dentry *d = BPF_CORE_READ(u, path.dentry);
	struct inode *inode = d ? BPF_CORE_READ(d, d_inode) : 0;
	struct pw_req r = {};
	__u32 res;

	if (!inode)
		return 0;
	pw_begin(&r, PW_CLASS_UNIX);
	r.ino = BPF_CORE_READ(inode, i_ino);
	r.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	r.family = AF_UNIX;
	res = r.cfg.shapes ? pw_object_id(r.gen, PW_OBJ_FILE, r.ino, r.dev) : 0;
	return pw_finish(&r, hook, res ? pw_key_score(&r, res, 0) : 0);
}

SEC("lsm/unix_stream_connect")
int BPF_PROG(pw_unix_stream_connect, struct sock *sock, struct sock *other, struct sock *newsk,
	     int ret)
{
	return ret ? ret : pw_on_unix(other, PW_EH_UNIX_STREAM_CONNECT);
}

/* Datagram sockets: at connect and at every send to a named socket. */
SEC("lsm/unix_may_send")
int BPF_PROG(pw_unix_may_send, struct socket *sock, struct socket *other, int ret)
{
	return ret ? ret : pw_on_unix(BPF_CORE_READ(other, sk), PW_EH_UNIX_MAY_SEND);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
