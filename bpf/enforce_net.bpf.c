// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* enforce_net: the network class of a compiled policy (docs/enforcement.md).
 * TCP, UDP and ICMP destinations are looked up in the pw_net trie, once per
 * candidate subject key. The policy lives in maps only, shared with the other
 * enforce_* objects. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "pw_policy.h"
#include "pw_policy_maps.h"
#include "pw_policy_decide.h"
#include "pw_policy_report.h"

#define AF_UNSPEC 0
#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMPV6 58
#define IPPROTO_UDPLITE 136
#define IPPROTO_MPTCP 262
#define MSG_FASTOPEN 0x20000000
#define SIN_LEN 16          /* sizeof(struct sockaddr_in) */
#define SIN6_LEN_RFC2133 24 /* the shortest sockaddr_in6 the kernel takes */

PW_POLICY_EXPORT();

/* A network request: the shared request first, so the candidate helpers take it. */
struct pw_net_req {
	struct pw_req r;
	struct pw_net_key key;
	__u32 bits; /* 32 or 128: the destination's address length */
	__u16 port;
	__u8 proto_bit; /* enum pw_net_proto */
};

/* One trie lookup for the current candidate: the longest prefix at or under
 * key.prefixlen. A row matching the port and protocol decides this candidate
 * (a longer prefix always ranks higher); otherwise try the shorter prefixes. */
static long pw_net_prefix_cb(__u32 i, void *ctx)
{
	struct pw_net_req *n = ctx;
	struct pw_net_value *v = bpf_map_lookup_elem(&pw_net, &n->key);
	__u64 best = 0;
	__u32 j;

	if (!v)
		return 1;
	for (j = 0; j < PW_NET_PORTS && j < v->count; j++) {
		struct pw_net_port *p = &v->ports[j];

		if (p->lo <= n->port && n->port <= p->hi && (p->protocols & n->proto_bit) &&
		    p->score > best)
			best = p->score;
	}
	if (best) {
		if (best > n->r.best)
			n->r.best = best;
		return 1;
	}
	if (v->prefix == 0 || v->prefix > n->bits)
		return 1;
	n->key.prefixlen = PW_NET_HEADER_BITS + v->prefix - 1;
	return 0;
}

static long pw_net_candidate_cb(__u32 i, void *ctx)
{
	struct pw_net_req *n = ctx;
	struct pw_subject_key s = {};
	int use = pw_candidate(&n->r, i, &s);

	if (use <= 0)
		return use < 0;
	n->key.prefixlen = PW_NET_HEADER_BITS + n->bits;
	n->key.gen = n->r.gen;
	n->key.ident_kind = s.kind;
	n->key.exe = s.exe;
	n->key.place = s.place;
	n->key.ident = s.ident;
	bpf_loop(n->bits + 1, pw_net_prefix_cb, n, 0);
	return 0;
}

/* Reads the destination: 0 for an IPv4 or IPv6 one (an IPv4-mapped IPv6
 * address counts as IPv4), -1 for anything the kernel will not send to.
 * unspec_v4: AF_UNSPEC means IPv4 (udp_sendmsg on an IPv4 socket). */
static __always_inline int pw_read_dest(struct pw_net_req *n, void *sa, int len, int unspec_v4)
{
	struct sockaddr_in6 in6 = {};
	__u16 family = AF_UNSPEC;

	if (len < 2 || bpf_probe_read_kernel(&family, sizeof(family), sa))
		return -1;
	if (family == AF_INET || (family == AF_UNSPEC && unspec_v4)) {
		struct sockaddr_in in = {};

		if (len < SIN_LEN || bpf_probe_read_kernel(&in, sizeof(in), sa))
			return -1;
		n->port = bpf_ntohs(in.sin_port);
		__builtin_memcpy(n->key.addr, &in.sin_addr, 4);
		n->bits = 32;
		return 0;
	}
	if (family != AF_INET6 || len < SIN6_LEN_RFC2133 ||
	    bpf_probe_read_kernel(&in6, SIN6_LEN_RFC2133, sa))
		return -1;
	n->port = bpf_ntohs(in6.sin6_port);
	if (in6.sin6_addr.in6_u.u6_addr32[0] == 0 && in6.sin6_addr.in6_u.u6_addr32[1] == 0 &&
	    in6.sin6_addr.in6_u.u6_addr32[2] == bpf_htonl(0xffff)) {
		__builtin_memcpy(n->key.addr, &in6.sin6_addr.in6_u.u6_addr32[3], 4);
		n->bits = 32;
		return 0;
	}
	__builtin_memcpy(n->key.addr, &in6.sin6_addr, 16);
	n->bits = 128;
	return 0;
}

/* The protocol bit a socket's requests are decided as, or 0 for none (other
 * protocols are the sockets class's business). tcp: whether this hook decides
 * TCP at all. Multipath TCP is TCP on the wire (it falls back to plain TCP
 * with a peer that does not speak it) and UDP-Lite is UDP with a partial
 * checksum: any host takes them as the plain protocol does, so they are
 * decided as TCP and UDP. ICMP and ICMPv6 sockets are ping sockets (SOCK_DGRAM)
 * or raw ones (SOCK_RAW): both send echo payloads, so both are decided as
 * icmp. Otherwise any of these would be a way past every network rule. */
static __always_inline __u8 pw_proto_bit(__u16 protocol, int tcp)
{
	switch (protocol) {
	case IPPROTO_TCP:
	case IPPROTO_MPTCP:
		return tcp ? PW_PROTO_TCP : 0;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return PW_PROTO_UDP;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return PW_PROTO_ICMP;
	default:
		return 0;
	}
}

/* The IPPROTO_* a decision reports: the plain protocol it was decided as;
 * for icmp, ICMP or ICMPv6 by the destination's family. */
static __always_inline __u8 pw_reported_proto(__u8 bit, __u32 bits)
{
	if (bit == PW_PROTO_TCP)
		return IPPROTO_TCP;
	if (bit == PW_PROTO_UDP)
		return IPPROTO_UDP;
	return bits == 32 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
}

/* A network request to the destination sa, if the socket's protocol is one
 * the network class decides. */
static __always_inline int pw_on_dest(struct socket *sock, void *sa, int len, int tcp, __u32 hook)
{
	struct sock *sk = BPF_CORE_READ(sock, sk);
	struct pw_net_req n = {};
	__u16 family;

	if (!sk || !sa)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	n.proto_bit = pw_proto_bit(BPF_CORE_READ(sk, sk_protocol), tcp);
	if (!n.proto_bit)
		return 0;
	if (pw_read_dest(&n, sa, len, hook == PW_EH_SOCKET_SENDMSG && family == AF_INET))
		return 0;
	/* ICMP has no port: whatever the caller wrote there is not sent, and only
	 * rows spanning every port carry the icmp bit. */
	if (n.proto_bit == PW_PROTO_ICMP)
		n.port = 0;
	n.key.family = n.bits == 32 ? 4 : 6;
	pw_begin(&n.r, PW_CLASS_NETWORK);
	__builtin_memcpy(n.r.addr, n.key.addr, sizeof(n.r.addr));
	n.r.port = n.port;
	n.r.family = n.bits == 32 ? AF_INET : AF_INET6;
	n.r.protocol = pw_reported_proto(n.proto_bit, n.bits);
	n.r.best = 0;
	if (n.r.cfg.shapes)
		bpf_loop(4 * PW_MAX_IDENTS, pw_net_candidate_cb, &n, 0);
	return pw_finish(&n.r, hook, n.r.best);
}

SEC("lsm/socket_connect")
int BPF_PROG(pw_socket_connect, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	return ret ? ret : pw_on_dest(sock, address, addrlen, 1, PW_EH_SOCKET_CONNECT);
}

/* A datagram with an explicit destination (sendto, sendmsg, sendmmsg): UDP,
 * or an ICMP echo; a connected one was decided at connect. TCP only for
 * MSG_FASTOPEN, which connects without passing socket_connect. */
SEC("lsm/socket_sendmsg")
int BPF_PROG(pw_socket_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	void *name;

	if (ret)
		return ret;
	name = BPF_CORE_READ(msg, msg_name);
	if (!name)
		return 0;
	return pw_on_dest(sock, name, BPF_CORE_READ(msg, msg_namelen),
			  !!(BPF_CORE_READ(msg, msg_flags) & MSG_FASTOPEN), PW_EH_SOCKET_SENDMSG);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
