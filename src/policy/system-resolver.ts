// The Resolver for this machine: /etc/passwd and /etc/group, systemd (or the
// cgroup tree when systemctl is absent), the cgroup v2 mount, and stat(2).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileKeyOf } from "../identity/file.js";
import { currentMounts } from "../identity/mounts.js";
import type { CgroupLookup, FileLookup, Resolver, ServiceLookup } from "./resolver.js";

/** name -> id from a colon-separated database (passwd, group): fields 0 and 2. */
export function parseIdDatabase(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length < 3 || line.startsWith("#") || f[0] === "") continue;
    const id = Number(f[2]);
    if (Number.isInteger(id) && !out.has(f[0] as string)) out.set(f[0] as string, id);
  }
  return out;
}

/** Where the cgroup v2 hierarchy is mounted (pure v2 or hybrid "unified"). */
export function cgroup2Root(mounts: string): string {
  const line = mounts.split("\n").find((l) => l.split(" ")[2] === "cgroup2");
  return line?.split(" ")[1] ?? "/sys/fs/cgroup";
}

function read(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function why(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  return code ?? String(e);
}

const UNIT_DIRS = [
  "/etc/systemd/system",
  "/run/systemd/system",
  "/usr/lib/systemd/system",
  "/lib/systemd/system",
];

function systemctl(unit: string, property: string): string | null {
  const r = spawnSync("systemctl", ["show", `--property=${property}`, "--value", "--", unit], {
    encoding: "utf8",
    timeout: 5000,
  });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function systemResolver(etc = "/etc"): Resolver {
  const users = parseIdDatabase(read(join(etc, "passwd")));
  const groups = parseIdDatabase(read(join(etc, "group")));
  const root = cgroup2Root(read("/proc/self/mounts"));
  const inRoot = (rel: string) => join(root, rel);

  const service = (unit: string): ServiceLookup => {
    const cg = systemctl(unit, "ControlGroup");
    if (cg) return { kind: "running", cgroup: inRoot(cg) };
    const expected = `system.slice/${unit}`;
    if (cg === "" && systemctl(unit, "LoadState") !== "not-found")
      return { kind: "stopped", cgroup: inRoot(expected), level: 2 };
    // No systemd to ask: look where systemd would have put it.
    if (existsSync(inRoot(expected))) return { kind: "running", cgroup: inRoot(expected) };
    if (UNIT_DIRS.some((d) => existsSync(join(d, unit))))
      return { kind: "stopped", cgroup: inRoot(expected), level: 2 };
    return { kind: "unknown" };
  };

  const cgroup = (path: string): CgroupLookup => {
    const rel = relative(root, path);
    if (rel.startsWith("..") || path.startsWith("..") || !path.startsWith("/"))
      return { kind: "missing", why: `not under the cgroup v2 mount ${root}` };
    try {
      const st = statSync(path, { bigint: true });
      if (!st.isDirectory()) return { kind: "missing", why: "not a directory" };
      return { kind: "found", id: st.ino, level: rel === "" ? 0 : rel.split("/").length };
    } catch (e) {
      return { kind: "missing", why: why(e) };
    }
  };

  const mounts = currentMounts();
  const file = (path: string): FileLookup => {
    try {
      const st = statSync(path, { bigint: true });
      // The mount's device, not st_dev: overlayfs reports a lower layer's
      // st_dev for files, while the kernel's hooks see the overlay superblock.
      return { kind: "found", key: fileKeyOf(path, mounts), directory: st.isDirectory() };
    } catch (e) {
      return { kind: "missing", why: why(e) };
    }
  };

  return {
    user: (name) => users.get(name) ?? null,
    group: (name) => groups.get(name) ?? null,
    service,
    cgroup,
    file,
  };
}
