// SPDX-License-Identifier: Apache-2.0
/* Mounts through the new mount API (fsopen, fsconfig, fsmount, move_mount),
 * which never calls mount(2): the kernel decides the attach in move_mount.
 *   fsmount TYPE DIR   a fresh TYPE filesystem (tmpfs, ramfs) on DIR */
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include "attempt.h"

int main(int argc, char **argv)
{
	if (argc != 3)
		usage("fsmount TYPE DIR");
	int fs = (int)syscall(SYS_fsopen, argv[1], FSOPEN_CLOEXEC);
	if (fs < 0)
		fail("fsopen");
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		fail("fsconfig create");
	int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		fail("fsmount");
	if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, argv[2], MOVE_MOUNT_F_EMPTY_PATH) < 0)
		fail("move_mount");
	printf("mounted %s on %s\n", argv[1], argv[2]);
	return 0;
}
