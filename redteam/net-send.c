// SPDX-License-Identifier: Apache-2.0
/* Sends DATA out of the machine by one network route. Prints "sent N bytes"
 * when the data left through the socket, which the runner counts as a leak
 * even where no listener can see it (packet, vsock).
 *   net-send tcp ADDR PORT DATA     connect(2), then send
 *   net-send tfo ADDR PORT DATA     TCP Fast Open: sendto(2) with MSG_FASTOPEN, no connect
 *   net-send mptcp ADDR PORT DATA   a Multipath TCP socket (plain TCP on the wire
 *                                   when the peer does not speak MPTCP)
 *   net-send mapped ADDR PORT DATA  TCP over an AF_INET6 socket to ::ffff:ADDR
 *   net-send udp ADDR PORT DATA     sendto(2) on an unconnected socket
 *   net-send udpconn ADDR PORT DATA connect(2) a UDP socket, then send
 *   net-send udplite ADDR PORT DATA sendto(2) on a UDP-Lite socket
 *   net-send ping ADDR DATA         an ICMP echo carrying DATA, on a ping socket
 *                                   (ICMPv6 when ADDR is an IPv6 address)
 *   net-send dns ADDR DATA          a DNS query for DATA.example to ADDR:53
 *   net-send raw ADDR PORT DATA     a UDP datagram built by hand on a raw IP socket
 *   net-send packet DATA            a frame on a packet socket, out of lo
 *   net-send vsock CID PORT DATA    AF_VSOCK stream to the host (CID 2) */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/vm_sockets.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include "attempt.h"

static struct sockaddr_in inet_address(const char *addr, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		usage("net-send: ADDR is not an IPv4 address");
	return sa;
}

static int open_socket(int family, int type, int protocol)
{
	int s = socket(family, type, protocol);
	if (s < 0)
		fail("socket");
	return s;
}

static int sent(ssize_t n)
{
	if (n < 0)
		fail("send");
	printf("sent %zd bytes\n", n);
	return 0;
}

static int send_tcp(const char *addr, const char *port, const char *data)
{
	struct sockaddr_in sa = inet_address(addr, port);
	int s = open_socket(AF_INET, SOCK_STREAM, 0);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fail("connect");
	return sent(send(s, data, strlen(data), 0));
}

static int send_tfo(const char *addr, const char *port, const char *data)
{
	struct sockaddr_in sa = inet_address(addr, port);
	int s = open_socket(AF_INET, SOCK_STREAM, 0);
	return sent(sendto(s, data, strlen(data), MSG_FASTOPEN, (struct sockaddr *)&sa, sizeof(sa)));
}

static int send_mptcp(const char *addr, const char *port, const char *data)
{
	struct sockaddr_in sa = inet_address(addr, port);
	int s = open_socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fail("connect");
	return sent(send(s, data, strlen(data), 0));
}

static int send_mapped(const char *addr, const char *port, const char *data)
{
	struct sockaddr_in v4 = inet_address(addr, port);
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = v4.sin_port };
	sa.sin6_addr.s6_addr[10] = 0xff;
	sa.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&sa.sin6_addr.s6_addr[12], &v4.sin_addr, 4);
	int s = open_socket(AF_INET6, SOCK_STREAM, 0);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fail("connect");
	return sent(send(s, data, strlen(data), 0));
}

static int send_udp_connected(const char *addr, const char *port, const char *data)
{
	struct sockaddr_in sa = inet_address(addr, port);
	int s = open_socket(AF_INET, SOCK_DGRAM, 0);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fail("connect");
	return sent(send(s, data, strlen(data), 0));
}

static int send_udplite(const char *addr, const char *port, const char *data)
{
	struct sockaddr_in sa = inet_address(addr, port);
	int s = open_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
	return sent(sendto(s, data, strlen(data), 0, (struct sockaddr *)&sa, sizeof(sa)));
}

/* The kernel fills in the echo id and checksum of a ping socket's datagram.
 * An echo request is type 8 in ICMP, 128 in ICMPv6. */
static int send_ping(const char *addr, const char *data)
{
	int v6 = strchr(addr, ':') != NULL;
	struct sockaddr_in v4 = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	unsigned char d[1500] = { v6 ? 128 : 8, 0, 0, 0, 0, 0, 0, 1 }; /* seq 1 */
	size_t len = strlen(data);
	if (len > sizeof(d) - 8)
		usage("net-send ping: DATA too long");
	void *bytes = v6 ? (void *)&in6.sin6_addr : (void *)&v4.sin_addr;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, bytes) != 1)
		usage("net-send ping: ADDR is not an IPv4 or IPv6 address");
	memcpy(d + 8, data, len);
	int s = open_socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	struct sockaddr *sa = v6 ? (struct sockaddr *)&in6 : (struct sockaddr *)&v4;
	socklen_t salen = v6 ? sizeof(in6) : sizeof(v4);
	return sent(sendto(s, d, len + 8, 0, sa, salen));
}

static int send_udp(const char *addr, const char *port, const char *data)
{
	struct sockaddr_in sa = inet_address(addr, port);
	int s = open_socket(AF_INET, SOCK_DGRAM, 0);
	return sent(sendto(s, data, strlen(data), 0, (struct sockaddr *)&sa, sizeof(sa)));
}

/* A query for the name DATA.example: the label carries the data, as DNS
 * tunnels do. */
static int send_dns(const char *addr, const char *data)
{
	size_t len = strlen(data);
	if (len == 0 || len > 63)
		usage("net-send dns: DATA must be 1-63 characters (one DNS label)");
	unsigned char q[128] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
	size_t n = 12;
	q[n++] = (unsigned char)len;
	memcpy(q + n, data, len);
	n += len;
	memcpy(q + n, "\7example\0\0\1\0\1", 13);
	n += 13;
	struct sockaddr_in sa = inet_address(addr, "53");
	int s = open_socket(AF_INET, SOCK_DGRAM, 0);
	return sent(sendto(s, q, n, 0, (struct sockaddr *)&sa, sizeof(sa)));
}

static int send_raw(const char *addr, const char *port, const char *data)
{
	struct sockaddr_in sa = inet_address(addr, port);
	int s = open_socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	unsigned char d[1500];
	size_t len = strlen(data);
	if (len > sizeof(d) - 8)
		usage("net-send raw: DATA too long");
	uint16_t hdr[4] = { htons(40000), sa.sin_port, htons((uint16_t)(len + 8)), 0 };
	memcpy(d, hdr, 8);
	memcpy(d + 8, data, len);
	return sent(sendto(s, d, len + 8, 0, (struct sockaddr *)&sa, sizeof(sa)));
}

static int send_packet(const char *data)
{
	int s = open_socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				  .sll_ifindex = (int)if_nametoindex("lo"), .sll_halen = ETH_ALEN };
	return sent(sendto(s, data, strlen(data), 0, (struct sockaddr *)&ll, sizeof(ll)));
}

static int send_vsock(const char *cid, const char *port, const char *data)
{
	struct sockaddr_vm sa = { .svm_family = AF_VSOCK, .svm_cid = (unsigned)atoi(cid),
				  .svm_port = (unsigned)atoi(port) };
	int s = open_socket(AF_VSOCK, SOCK_STREAM, 0);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fail("connect");
	return sent(send(s, data, strlen(data), 0));
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (argc == 5 && strcmp(mode, "tcp") == 0)
		return send_tcp(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(mode, "tfo") == 0)
		return send_tfo(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(mode, "mptcp") == 0)
		return send_mptcp(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(mode, "mapped") == 0)
		return send_mapped(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(mode, "udp") == 0)
		return send_udp(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(mode, "udpconn") == 0)
		return send_udp_connected(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(mode, "udplite") == 0)
		return send_udplite(argv[2], argv[3], argv[4]);
	if (argc == 4 && strcmp(mode, "ping") == 0)
		return send_ping(argv[2], argv[3]);
	if (argc == 4 && strcmp(mode, "dns") == 0)
		return send_dns(argv[2], argv[3]);
	if (argc == 5 && strcmp(mode, "raw") == 0)
		return send_raw(argv[2], argv[3], argv[4]);
	if (argc == 3 && strcmp(mode, "packet") == 0)
		return send_packet(argv[2]);
	if (argc == 5 && strcmp(mode, "vsock") == 0)
		return send_vsock(argv[2], argv[3], argv[4]);
	usage("net-send tcp|tfo|mptcp|mapped|udp|udpconn|udplite|raw ADDR PORT DATA | dns|ping ADDR DATA | packet DATA | vsock CID PORT DATA");
}
