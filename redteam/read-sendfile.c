// SPDX-License-Identifier: Apache-2.0
/* Copies a file to stdout with sendfile(2): the data never passes through a
 * user-space buffer.
 *   read-sendfile PATH */
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include "attempt.h"

int main(int argc, char **argv)
{
	if (argc != 2)
		usage("read-sendfile PATH");
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		fail("open");
	struct stat st;
	if (fstat(fd, &st) < 0)
		fail("fstat");
	off_t off = 0;
	while (off < st.st_size)
		if (sendfile(1, fd, &off, (size_t)(st.st_size - off)) <= 0)
			fail("sendfile");
	return 0;
}
