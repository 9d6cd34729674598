// The device a kernel hook sees for a file is its superblock's s_dev. stat(2)
// does not always report that: overlayfs reports the underlying layer's device
// for regular files, and btrfs an anonymous per-subvolume device. mountinfo
// prints every mount's s_dev, so the mount that holds a path gives its device.
import { readFileSync } from "node:fs";

export interface MountEntry {
  readonly mountPoint: string;
  readonly major: number;
  readonly minor: number;
  readonly fsType: string;
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses /proc/<pid>/mountinfo (see proc(5)): "id parent major:minor root mountpoint ... - fstype ...". */
export function parseMountInfo(text: string): MountEntry[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const fields = line.split(" ");
      const [major, minor] = (fields[2] ?? "0:0").split(":").map(Number);
      const dash = fields.indexOf("-");
      return {
        mountPoint: unescape(fields[4] ?? "/"),
        major: major ?? 0,
        minor: minor ?? 0,
        fsType: dash >= 0 ? (fields[dash + 1] ?? "") : "",
      };
    });
}

function contains(mountPoint: string, path: string): boolean {
  return mountPoint === "/" || path === mountPoint || path.startsWith(`${mountPoint}/`);
}

/** The mount that holds an absolute, symlink-free path: the last-mounted longest match. */
export function mountOf(mounts: readonly MountEntry[], path: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const m of mounts) {
    if (contains(m.mountPoint, path) && (!best || m.mountPoint.length >= best.mountPoint.length))
      best = m;
  }
  return best;
}

export function currentMounts(): MountEntry[] {
  return parseMountInfo(readFileSync("/proc/self/mountinfo", "utf8"));
}
