// SPDX-License-Identifier: Apache-2.0
/* Syscall loops for overhead measurements, so that the cost measured is the
 * kernel's (and the LSM programs'), not an interpreter's. Prints the mean
 * nanoseconds per iteration.
 *   workload open PATH N      open(2)+close(2) of PATH
 *   workload connect N        TCP connect to a listener on 127.0.0.1 + accept
 *                             + close of both ends
 *   workload exec N           fork + exec /bin/true + wait
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int open_once(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* The listener is the loop's own and every connection is accepted before the
 * next connect. A listener in another process that falls behind fills its
 * accept queue; the kernel then drops a SYN (ListenOverflows in
 * /proc/net/netstat) and the connect waits out the 1 s SYN retransmission,
 * which swamps whatever is being measured. */
static int listener(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a->sin_family = AF_INET;
	a->sin_port = 0;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)a, sizeof(*a)) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)a, &len))
		return -1;
	return fd;
}

/* The client closes with an RST (linger 0), so no TIME_WAIT socket is left
 * behind: they would pile up over a run and the ephemeral port search of
 * later connects walks past them. */
static int connect_once(int lfd, const struct sockaddr_in *a)
{
	struct linger abort_close = { .l_onoff = 1, .l_linger = 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int peer = -1, rc = -1;

	if (fd < 0)
		return -1;
	if (!setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof(abort_close)) &&
	    !connect(fd, (const struct sockaddr *)a, sizeof(*a)))
		peer = accept(lfd, NULL, NULL);
	if (peer >= 0) {
		rc = 0;
		close(peer);
	}
	close(fd);
	return rc;
}

static int exec_once(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a;
	int lfd = -1;
	long n, i;
	long long start;

	if (argc < 3) {
		fprintf(stderr, "usage: workload open PATH N | connect N | exec N\n");
		return 2;
	}
	n = atol(argv[argc - 1]);
	if (!strcmp(argv[1], "connect") && (lfd = listener(&a)) < 0) {
		perror("listen");
		return 1;
	}
	start = now_ns();
	for (i = 0; i < n; i++) {
		int rc = !strcmp(argv[1], "open")      ? open_once(argv[2])
			 : !strcmp(argv[1], "connect") ? connect_once(lfd, &a)
						       : exec_once();
		if (rc) {
			perror(argv[1]);
			return 1;
		}
	}
	printf("%.1f\n", (double)(now_ns() - start) / n);
	return 0;
}
