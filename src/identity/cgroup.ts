// cgroup v2 identity. bpf_get_current_cgroup_id() returns the kernfs node id of
// the task's cgroup, which is the inode number of its directory in cgroup2fs.
import { statSync, mkdirSync, writeFileSync, rmdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const CGROUP2_ROOT = "/sys/fs/cgroup";

export function cgroupIdOf(path: string): bigint {
  return statSync(path, { bigint: true }).ino;
}

/** Creates (if needed) a cgroup under the v2 root and returns its path. */
export function createCgroup(name: string, root = CGROUP2_ROOT): string {
  const path = join(root, name);
  mkdirSync(path, { recursive: true });
  return path;
}

/** Moves process `pid` into the cgroup at `path`. */
export function moveToCgroup(path: string, pid: number): void {
  writeFileSync(join(path, "cgroup.procs"), `${pid}\n`);
}

/** Removes an empty cgroup (it must hold no processes). */
export function removeCgroup(path: string): void {
  rmdirSync(path);
}

/** The cgroup v2 path of a process, relative to the cgroup2 root ("/" for the root). */
export function cgroupPathOf(pid: number | "self"): string {
  const line = readFileSync(`/proc/${pid}/cgroup`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("0::"));
  return line ? line.slice(3) : "/";
}
