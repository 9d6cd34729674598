// Reload on change. Editors and config managers replace files (write a temp
// file, rename it over), which ends a watch on the file itself, so the watch
// is on the directory and, for a single file, filters by its name. Bursts of
// events settle into one reload after `debounceMs` of quiet.
import { watch, statSync, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";

export interface PolicyWatch {
  close(): void;
}

export function watchPolicyPath(
  path: string,
  debounceMs: number,
  onChange: () => void,
): PolicyWatch {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // Missing now; watch its directory for it to appear.
  }
  const dir = isDir ? path : dirname(path);
  // In a directory any entry counts: Kubernetes swaps a `..data` symlink, not
  // the *.yaml names, and an unchanged result costs only a hash comparison.
  const wanted = (name: string | null) => isDir || name === null || name === basename(path);
  let timer: NodeJS.Timeout | null = null;
  const watcher: FSWatcher = watch(dir, { persistent: false }, (_event, name) => {
    if (!wanted(name === null ? null : String(name))) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, debounceMs);
  });
  return {
    close: () => {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
