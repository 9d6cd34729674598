// Names the (device, inode) keys of kernel events as paths, at the moment an
// event arrives: the executable from /proc/<pid>/exe while the process still
// lives, else from an index of the usual binary directories (built in the
// background: it must never stall the agent); a file from an index of the
// directory trees the policy protects, taken when the policy is applied. A key
// is named only when a path's own key matches it. A file created in a tree
// after the apply is shown by its key until the next apply.
import { readdirSync, readlinkSync, realpathSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { FileKey } from "../abi/file-key.js";
import { fileKeyOf } from "../identity/file.js";
import { currentMounts, mountOf, type MountEntry } from "../identity/mounts.js";

const BINARY_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
/** Directory entries one tree search may visit: events must not stall the agent. */
const SEARCH_BUDGET = 5_000;
const CACHE_LIMIT = 10_000;

const idOf = (k: FileKey) => `${k.dev}/${k.ino}`;

export class PathNamer {
  readonly #names = new Map<string, string>();
  #mounts: readonly MountEntry[] = currentMounts();
  readonly #binaries = new Map<string, string>();
  #binariesIndexing: Promise<void> | null = null;

  /** Forgets cached names and mounts: call after a policy apply. */
  reset(): void {
    this.#names.clear();
    this.#mounts = currentMounts();
  }

  /** Builds the binary index in the background; resolves when it is complete. */
  indexBinaries(): Promise<void> {
    this.#binariesIndexing ??= indexDirs(BINARY_DIRS, this.#mounts, this.#binaries);
    return this.#binariesIndexing;
  }

  exe(pid: number, key: FileKey): string | null {
    const cached = this.#names.get(idOf(key));
    if (cached) return cached;
    try {
      const path = readlinkSync(`/proc/${pid}/exe`);
      if (this.#matches(path, key)) return this.#remember(key, path);
    } catch {
      // the process is gone: look in the binary directories instead
    }
    void this.indexBinaries();
    return this.#binaries.get(idOf(key)) ?? null;
  }

  /** The path of a file `indexTrees` saw, or null. */
  file(key: FileKey): string | null {
    return this.#names.get(idOf(key)) ?? null;
  }

  /**
   * Indexes the files under `trees`, breadth-first within a bound. Called
   * before a policy is switched in: the agent is subject to the policy in
   * force, and searching a tree that policy protects would be refused.
   */
  indexTrees(trees: readonly string[]): void {
    let budget = SEARCH_BUDGET;
    const queue = [...trees];
    for (let dir = queue.shift(); dir !== undefined && budget > 0; dir = queue.shift()) {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue; // gone, or refused by the policy in force
      }
      for (const e of entries) {
        if (--budget < 0) break;
        const path = join(dir, e.name);
        if (e.isDirectory()) queue.push(path);
        try {
          this.#remember(fileKeyOf(path, this.#mounts), path);
        } catch {
          // went away while indexing
        }
      }
    }
  }

  #matches(path: string, key: FileKey): boolean {
    try {
      const k = fileKeyOf(path, this.#mounts);
      return k.ino === key.ino && k.dev === key.dev;
    } catch {
      return false;
    }
  }

  #remember(key: FileKey, path: string): string {
    if (this.#names.size >= CACHE_LIMIT) this.#names.clear();
    this.#names.set(idOf(key), path);
    return path;
  }
}

/** Indexes the files of `dirs` by key, one stat each, without blocking the event loop. */
async function indexDirs(
  dirs: readonly string[],
  mounts: readonly MountEntry[],
  into: Map<string, string>,
): Promise<void> {
  for (const dir of dirs) {
    let real: string;
    let names: string[];
    try {
      real = realpathSync(dir); // /bin is /usr/bin on merged-/usr systems
      names = await readdir(real);
    } catch {
      continue;
    }
    const mount = mountOf(mounts, real);
    for (const n of names) {
      try {
        const st = await stat(join(real, n), { bigint: true });
        // A file's device as the kernel sees it: its mount's (overlayfs), see fileKeyOf.
        const dev = mount ? ((mount.major << 20) | mount.minor) >>> 0 : null;
        const key = dev === null ? fileKeyOf(join(real, n), mounts) : { dev, ino: st.ino };
        if (!into.has(idOf(key))) into.set(idOf(key), join(dir, n));
      } catch {
        // a dangling symlink or a file that went away
      }
    }
  }
}
