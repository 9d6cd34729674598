// SPDX-License-Identifier: Apache-2.0
/* Syscall loops for overhead measurements, so that the cost measured is the
 * kernel's (and the LSM programs'), not an interpreter's. Prints the mean
 * nanoseconds per iteration.
 *   workload open PATH N      open(2)+close(2) of PATH
 *   workload connect PORT N   TCP connect to 127.0.0.1:PORT + close
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

static int connect_once(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int rc;

	if (fd < 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
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
	long n, i;
	long long start;

	if (argc < 3) {
		fprintf(stderr, "usage: workload open PATH N | connect PORT N | exec N\n");
		return 2;
	}
	n = atol(argv[argc - 1]);
	start = now_ns();
	for (i = 0; i < n; i++) {
		int rc = !strcmp(argv[1], "open")      ? open_once(argv[2])
			 : !strcmp(argv[1], "connect") ? connect_once(atoi(argv[2]))
						       : exec_once();
		if (rc) {
			perror(argv[1]);
			return 1;
		}
	}
	printf("%.1f\n", (double)(now_ns() - start) / n);
	return 0;
}
