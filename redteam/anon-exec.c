// SPDX-License-Identifier: Apache-2.0
/* Code injection without a file: maps anonymous memory, writes a function
 * into it (a single return instruction), makes it executable and calls it.
 *   anon-exec mprotect|rwx|shared [MARKER]
 * mprotect: a private RW mapping turned RX; rwx: mapped RWX at once; shared:
 * a shared anonymous RW mapping turned RX (its pages belong to a shmem file
 * with no link). Prints MARKER once the code has run. */
#include <sys/mman.h>
#include "attempt.h"

#if defined(__x86_64__)
static const unsigned char RET[] = { 0xc3 };
#elif defined(__aarch64__)
static const unsigned char RET[] = { 0xc0, 0x03, 0x5f, 0xd6 };
#else
#error "anon-exec: no return instruction for this architecture"
#endif

static void *map(int prot, int flags)
{
	void *p = mmap(NULL, 4096, prot, flags | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		fail("mmap");
	return p;
}

static void *writable_then_executable(int flags)
{
	void *p = map(PROT_READ | PROT_WRITE, flags);
	memcpy(p, RET, sizeof(RET));
	if (mprotect(p, 4096, PROT_READ | PROT_EXEC) < 0)
		fail("mprotect");
	return p;
}

static void *executable_code(const char *how)
{
	if (strcmp(how, "mprotect") == 0)
		return writable_then_executable(MAP_PRIVATE);
	if (strcmp(how, "shared") == 0)
		return writable_then_executable(MAP_SHARED);
	if (strcmp(how, "rwx") == 0) {
		void *p = map(PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE);
		memcpy(p, RET, sizeof(RET));
		return p;
	}
	usage("anon-exec mprotect|rwx|shared [MARKER]");
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage("anon-exec mprotect|rwx|shared [MARKER]");
	void *code = executable_code(argv[1]);
	__builtin___clear_cache((char *)code, (char *)code + sizeof(RET));
	((void (*)(void))code)();
	printf("%s\n", argc > 2 ? argv[2] : "anonymous code ran");
	return 0;
}
