// SPDX-License-Identifier: Apache-2.0
/* Reads a file through mmap(2) instead of read(2), and copies it to stdout.
 *   read-mmap PATH */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "attempt.h"

int main(int argc, char **argv)
{
	if (argc != 2)
		usage("read-mmap PATH");
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		fail("open");
	struct stat st;
	if (fstat(fd, &st) < 0)
		fail("fstat");
	if (st.st_size == 0)
		return 0;
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		fail("mmap");
	write_all(1, p, (size_t)st.st_size);
	return 0;
}
