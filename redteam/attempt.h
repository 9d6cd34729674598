// SPDX-License-Identifier: Apache-2.0
/* What every attempt program reports, in one form the red-team runner reads:
 * on success it writes what it got to stdout and exits 0; when the kernel
 * refuses (EPERM or EACCES, what an LSM returns) it prints "refused: OP: why"
 * and exits 3; any other failure is "error: OP: why", exit 2, which the runner
 * counts as neither blocked nor leaked. */
#ifndef PW_REDTEAM_ATTEMPT_H
#define PW_REDTEAM_ATTEMPT_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_REFUSED 3
#define EXIT_ERROR 2
#define EXIT_USAGE 1

static inline void fail_errno(const char *op, int err)
{
	int refused = err == EPERM || err == EACCES;
	fprintf(stderr, "%s: %s: %s\n", refused ? "refused" : "error", op, strerror(err));
	exit(refused ? EXIT_REFUSED : EXIT_ERROR);
}

/* A refusal the kernel reports without an errno (a dropped descriptor). */
static inline void refuse(const char *op, const char *why)
{
	fprintf(stderr, "refused: %s: %s\n", op, why);
	exit(EXIT_REFUSED);
}

static inline void fail(const char *op)
{
	fail_errno(op, errno);
}

static inline void usage(const char *text)
{
	fprintf(stderr, "usage: %s\n", text);
	exit(EXIT_USAGE);
}

static inline void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0)
			fail("write");
		buf += n;
		len -= (size_t)n;
	}
}

/* Opens `path` for reading (the open is what a file rule refuses) and returns
 * its descriptor and size. */
static inline int open_for_reading(const char *path, off_t *size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		fail("open");
	struct stat st;
	if (fstat(fd, &st) < 0)
		fail("fstat");
	*size = st.st_size;
	return fd;
}

#endif
