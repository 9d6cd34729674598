// How the checker turns names into kernel identities. Injected, so tests use
// fakes and the real machine uses system-resolver.ts.
import type { FileKey } from "../abi/file-key.js";

export type ServiceLookup =
  | { readonly kind: "running"; readonly cgroup: string }
  | { readonly kind: "stopped"; readonly cgroup: string; readonly level: number }
  | { readonly kind: "unknown" };

export type CgroupLookup =
  | { readonly kind: "found"; readonly id: bigint; readonly level: number }
  | { readonly kind: "missing"; readonly why: string };

export type FileLookup =
  | { readonly kind: "found"; readonly key: FileKey; readonly directory: boolean }
  | { readonly kind: "missing"; readonly why: string };

export interface Resolver {
  /** uid of a user name, or null. */
  user(name: string): number | null;
  /** gid of a group name, or null. */
  group(name: string): number | null;
  /** A systemd unit (full name with suffix) and the cgroup it runs (or would run) in. */
  service(unit: string): ServiceLookup;
  cgroup(path: string): CgroupLookup;
  /** The file a path names, symlinks followed. */
  file(path: string): FileLookup;
}

/** Each name is looked up once per check, however many rules repeat it. */
export function memoResolver(r: Resolver): Resolver {
  const memo = <A, B>(f: (a: A) => B) => {
    const cache = new Map<A, B>();
    return (a: A): B => {
      if (cache.has(a)) return cache.get(a) as B;
      const b = f(a);
      cache.set(a, b);
      return b;
    };
  };
  return {
    user: memo((n) => r.user(n)),
    group: memo((n) => r.group(n)),
    service: memo((u) => r.service(u)),
    cgroup: memo((p) => r.cgroup(p)),
    file: memo((p) => r.file(p)),
  };
}
