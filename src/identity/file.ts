// How the kernel names a file: (device, inode). stat(2) reports st_dev in the
// user-space dev_t encoding, while a superblock's s_dev uses the kernel's
// internal one (major << 20 | minor); this converts between them.
import { realpathSync, statSync } from "node:fs";
import type { FileKey } from "../abi/file-key.js";
import { currentMounts, mountOf, type MountEntry } from "./mounts.js";

/** glibc's dev_t split (gnu_dev_major / gnu_dev_minor). */
export function splitUserDev(dev: bigint): { major: number; minor: number } {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}

/** The kernel's internal dev_t (MKDEV): 12 bits of major, 20 of minor. */
export function kernelDev(userDev: bigint): number {
  const { major, minor } = splitUserDev(userDev);
  return ((major << 20) | minor) >>> 0;
}

/**
 * The key under which the kernel programs see the file at `path` (symlinks
 * followed): the inode from stat, the device of the mount that holds it.
 * Pass `mounts` when resolving many paths to read mountinfo once.
 */
export function fileKeyOf(path: string, mounts: readonly MountEntry[] = currentMounts()): FileKey {
  const st = statSync(path, { bigint: true });
  const mount = mountOf(mounts, realpathSync(path));
  const dev = mount ? ((mount.major << 20) | mount.minor) >>> 0 : kernelDev(st.dev);
  return { dev, ino: st.ino };
}
