// A Resolver over fixed tables, for tests and benchmarks. Files get stable
// made-up keys: device 1, inode from the table.
import type { Resolver } from "./resolver.js";

export interface FakeWorld {
  readonly users?: Record<string, number>;
  readonly groups?: Record<string, number>;
  /** unit -> cgroup path (running) or null (installed, stopped). */
  readonly services?: Record<string, string | null>;
  /** cgroup path -> id; its level is its depth below "/cg". */
  readonly cgroups?: Record<string, bigint>;
  /** path -> inode; paths ending in "/" are directories (listed without the slash). */
  readonly files?: Record<string, number>;
  readonly dirs?: readonly string[];
}

export const FAKE_CGROUP_ROOT = "/cg";

export function fakeResolver(w: FakeWorld): Resolver {
  const levelOf = (p: string) => p.slice(FAKE_CGROUP_ROOT.length).split("/").filter(Boolean).length;
  return {
    user: (n) => w.users?.[n] ?? null,
    group: (n) => w.groups?.[n] ?? null,
    service: (unit) => {
      const s = w.services?.[unit];
      if (s === undefined) return { kind: "unknown" };
      if (s === null) {
        const cgroup = `${FAKE_CGROUP_ROOT}/system.slice/${unit}`;
        return { kind: "stopped", cgroup, level: 2 };
      }
      return { kind: "running", cgroup: s };
    },
    cgroup: (p) => {
      const id = w.cgroups?.[p];
      return id === undefined
        ? { kind: "missing", why: "no such cgroup" }
        : { kind: "found", id, level: levelOf(p) };
    },
    file: (p) => {
      const ino = w.files?.[p];
      if (ino === undefined) return { kind: "missing", why: "no such file or directory" };
      return {
        kind: "found",
        key: { dev: 1, ino: BigInt(ino) },
        directory: w.dirs?.includes(p) ?? false,
      };
    },
  };
}
