// SPDX-License-Identifier: Apache-2.0
/* A process that holds a secret, as a service that may read it does: reads
 * FILE into a buffer and keeps the file open, prints "ADDRESS LENGTH FD" (hex
 * address) and waits to be killed. The red-team runner then tries to get at
 * that memory or that descriptor from another process.
 *   holder FILE */
#include <fcntl.h>
#include "attempt.h"

static char secret[4096];

int main(int argc, char **argv)
{
	if (argc != 2)
		usage("holder FILE");
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		fail("open");
	ssize_t n = read(fd, secret, sizeof(secret) - 1);
	if (n < 0)
		fail("read");
	printf("%p %zd %d\n", (void *)secret, n, fd);
	fflush(stdout);
	for (;;)
		pause();
}
