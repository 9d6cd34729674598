// SPDX-License-Identifier: Apache-2.0
/* Reads another process's memory and copies it to stdout.
 *   peek attach PID ADDR LEN    PTRACE_ATTACH, then PTRACE_PEEKDATA word by word
 *   peek vmread PID ADDR LEN    process_vm_readv(2)
 *   peek procmem PID ADDR LEN   pread(2) of /proc/PID/mem
 *   peek getfd PID FD           pidfd_getfd(2): a copy of its descriptor FD, read
 * ADDR is hexadecimal, as holder prints it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include "attempt.h"

static int by_ptrace(pid_t pid, uintptr_t addr, size_t len)
{
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0)
		fail("ptrace attach");
	if (waitpid(pid, NULL, __WALL) < 0)
		fail("waitpid");
	char buf[4096];
	size_t got = 0;
	for (; got < len && got + sizeof(long) <= sizeof(buf); got += sizeof(long)) {
		errno = 0;
		long word = ptrace(PTRACE_PEEKDATA, pid, (void *)(addr + got), NULL);
		if (errno != 0)
			fail("ptrace peekdata");
		memcpy(buf + got, &word, sizeof(word));
	}
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	write_all(1, buf, got < len ? got : len);
	return 0;
}

static int by_vm_readv(pid_t pid, uintptr_t addr, size_t len)
{
	char buf[4096];
	if (len > sizeof(buf))
		len = sizeof(buf);
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)addr, .iov_len = len };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	if (n < 0)
		fail("process_vm_readv");
	write_all(1, buf, (size_t)n);
	return 0;
}

static int by_proc_mem(pid_t pid, uintptr_t addr, size_t len)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		fail("open /proc/PID/mem");
	if (len > sizeof(buf))
		len = sizeof(buf);
	ssize_t n = pread(fd, buf, len, (off_t)addr);
	if (n < 0)
		fail("pread /proc/PID/mem");
	write_all(1, buf, (size_t)n);
	return 0;
}

static int by_pidfd_getfd(pid_t pid, int target_fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		fail("pidfd_open");
	int fd = (int)syscall(SYS_pidfd_getfd, pidfd, target_fd, 0);
	if (fd < 0)
		fail("pidfd_getfd");
	char buf[4096];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	if (n < 0)
		fail("pread");
	write_all(1, buf, (size_t)n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "getfd") == 0)
		return by_pidfd_getfd((pid_t)atoi(argv[2]), atoi(argv[3]));
	if (argc != 5)
		usage("peek attach|vmread|procmem PID ADDR LEN | peek getfd PID FD");
	pid_t pid = (pid_t)atoi(argv[2]);
	uintptr_t addr = (uintptr_t)strtoull(argv[3], NULL, 16);
	size_t len = (size_t)atoi(argv[4]);
	if (strcmp(argv[1], "attach") == 0)
		return by_ptrace(pid, addr, len);
	if (strcmp(argv[1], "vmread") == 0)
		return by_vm_readv(pid, addr, len);
	if (strcmp(argv[1], "procmem") == 0)
		return by_proc_mem(pid, addr, len);
	usage("peek attach|vmread|procmem PID ADDR LEN | peek getfd PID FD");
}
