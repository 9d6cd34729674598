// SPDX-License-Identifier: Apache-2.0
/* Fileless execution: copies PROGRAM into an anonymous memfd and executes the
 * memfd with fexecve(3), so that no path on disk names what runs.
 *   memfd-exec PROGRAM [ARG...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include "attempt.h"

extern char **environ;

int main(int argc, char **argv)
{
	if (argc < 2)
		usage("memfd-exec PROGRAM [ARG...]");
	int in = open(argv[1], O_RDONLY);
	if (in < 0)
		fail("open");
	int mfd = memfd_create("payload", MFD_CLOEXEC);
	if (mfd < 0)
		fail("memfd_create");
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		write_all(mfd, buf, (size_t)n);
	if (n < 0)
		fail("read");
	fexecve(mfd, argv + 1, environ);
	fail("fexecve");
}
