// SPDX-License-Identifier: Apache-2.0
/* Copies a file to stdout with sendfile(2): the data never passes through a
 * user-space buffer.
 *   read-sendfile PATH */
#include <sys/sendfile.h>
#include "attempt.h"

int main(int argc, char **argv)
{
	if (argc != 2)
		usage("read-sendfile PATH");
	off_t size;
	int fd = open_for_reading(argv[1], &size);
	off_t off = 0;
	while (off < size)
		if (sendfile(1, fd, &off, (size_t)(size - off)) <= 0)
			fail("sendfile");
	return 0;
}
