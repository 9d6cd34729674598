// SPDX-License-Identifier: Apache-2.0
/* Hands an open file descriptor from a process that may read a file to one
 * that may not, over a unix socket (SCM_RIGHTS).
 *   fd-pass send SOCKET PATH   open PATH, listen on SOCKET, print "ready",
 *                              pass the descriptor to the first peer
 *   fd-pass recv SOCKET        take a descriptor and copy its file to stdout
 * The kernel drops a descriptor that file_receive refuses and sets MSG_CTRUNC,
 * without an errno: that is reported as refused. */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "attempt.h"

static struct sockaddr_un address(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		usage("fd-pass: socket path too long");
	strcpy(sa.sun_path, path);
	return sa;
}

static int send_fd(const char *sock, const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		fail("open");
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = address(sock);
	unlink(sock);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0)
		fail("listen");
	printf("ready\n");
	fflush(stdout);
	int c = accept(s, NULL, NULL);
	if (c < 0)
		fail("accept");
	char byte = 'x';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = { 0 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(c, &msg, 0) < 0)
		fail("sendmsg");
	return 0;
}

static int receive_fd(const char *sock)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = address(sock);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fail("connect");
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	if (recvmsg(s, &msg, 0) < 0)
		fail("recvmsg");
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	if (cm == NULL || cm->cmsg_type != SCM_RIGHTS) {
		if (msg.msg_flags & MSG_CTRUNC)
			refuse("recvmsg", "the kernel dropped the descriptor (MSG_CTRUNC)");
		fprintf(stderr, "error: recvmsg: no descriptor and no MSG_CTRUNC\n");
		return EXIT_ERROR;
	}
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write_all(1, buf, (size_t)n);
	if (n < 0)
		fail("read");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "send") == 0)
		return send_fd(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "recv") == 0)
		return receive_fd(argv[2]);
	usage("fd-pass send SOCKET PATH | fd-pass recv SOCKET");
}
