// SPDX-License-Identifier: Apache-2.0
/* Reads a file through mmap(2) instead of read(2), and copies it to stdout.
 *   read-mmap PATH */
#include <sys/mman.h>
#include "attempt.h"

int main(int argc, char **argv)
{
	if (argc != 2)
		usage("read-mmap PATH");
	off_t size;
	int fd = open_for_reading(argv[1], &size);
	if (size == 0)
		return 0;
	void *p = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		fail("mmap");
	write_all(1, p, (size_t)size);
	return 0;
}
