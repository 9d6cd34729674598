// SPDX-License-Identifier: Apache-2.0
/* io_uring without liburing: one submission through raw io_uring_setup(2) and
 * io_uring_enter(2), so that the operation runs in the kernel's io_uring path
 * (possibly on an io-wq worker) instead of the syscall the LSM hooks are
 * usually reached from.
 *   uring openat PATH              IORING_OP_OPENAT, then copy the file to stdout
 *   uring connect ADDR PORT DATA   IORING_OP_CONNECT a TCP socket, then send DATA
 *   uring sendto ADDR PORT DATA    IORING_OP_SENDMSG of a UDP datagram to ADDR */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include "attempt.h"

struct ring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static void *map_ring(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, off);
	if (p == MAP_FAILED)
		fail("mmap io_uring");
	return p;
}

static struct ring setup(void)
{
	struct io_uring_params p = { 0 };
	struct ring r;
	r.fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (r.fd < 0)
		fail("io_uring_setup");
	size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	char *sq = map_ring(r.fd, sq_len, IORING_OFF_SQ_RING);
	char *cq = (p.features & IORING_FEAT_SINGLE_MMAP) ? sq :
							     map_ring(r.fd, cq_len, IORING_OFF_CQ_RING);
	r.sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r.sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r.sq_array = (unsigned *)(sq + p.sq_off.array);
	r.cq_head = (unsigned *)(cq + p.cq_off.head);
	r.cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r.cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r.cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	r.sqes = map_ring(r.fd, p.sq_entries * sizeof(struct io_uring_sqe), IORING_OFF_SQES);
	return r;
}

/* Submits one entry, waits for its completion and returns its result. */
static int submit_one(struct ring *r, const struct io_uring_sqe *sqe)
{
	unsigned tail = *r->sq_tail;
	unsigned idx = tail & *r->sq_mask;
	r->sqes[idx] = *sqe;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		fail("io_uring_enter");
	unsigned head = *r->cq_head;
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
		fprintf(stderr, "error: io_uring: no completion\n");
		exit(EXIT_ERROR);
	}
	int res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

static int uring_openat(const char *path)
{
	struct ring r = setup();
	struct io_uring_sqe sqe = { .opcode = IORING_OP_OPENAT, .fd = AT_FDCWD };
	sqe.addr = (uint64_t)(uintptr_t)path;
	sqe.open_flags = O_RDONLY;
	int fd = submit_one(&r, &sqe);
	if (fd < 0)
		fail_errno("io_uring openat", -fd);
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write_all(1, buf, (size_t)n);
	return 0;
}

static int uring_connect(const char *addr, const char *port, const char *data)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		usage("uring connect: ADDR is not an IPv4 address");
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		fail("socket");
	struct ring r = setup();
	struct io_uring_sqe sqe = { .opcode = IORING_OP_CONNECT, .fd = s };
	sqe.addr = (uint64_t)(uintptr_t)&sa;
	sqe.off = sizeof(sa);
	int res = submit_one(&r, &sqe);
	if (res < 0)
		fail_errno("io_uring connect", -res);
	write_all(s, data, strlen(data));
	printf("sent %zu bytes\n", strlen(data));
	return 0;
}

static int uring_sendto(const char *addr, const char *port, const char *data)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		usage("uring sendto: ADDR is not an IPv4 address");
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		fail("socket");
	struct iovec iov = { .iov_base = (void *)data, .iov_len = strlen(data) };
	struct msghdr msg = { .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov,
			      .msg_iovlen = 1 };
	struct ring r = setup();
	struct io_uring_sqe sqe = { .opcode = IORING_OP_SENDMSG, .fd = s };
	sqe.addr = (uint64_t)(uintptr_t)&msg;
	sqe.len = 1;
	int res = submit_one(&r, &sqe);
	if (res < 0)
		fail_errno("io_uring sendmsg", -res);
	printf("sent %d bytes\n", res);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "openat") == 0)
		return uring_openat(argv[2]);
	if (argc == 5 && strcmp(argv[1], "connect") == 0)
		return uring_connect(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(argv[1], "sendto") == 0)
		return uring_sendto(argv[2], argv[3], argv[4]);
	usage("uring openat PATH | uring connect|sendto ADDR PORT DATA");
}
