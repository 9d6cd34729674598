// Reload on change. Editors and config managers replace files (write a temp
// file, rename it over), which ends a watch on the file itself, so the watch
// is on the directory and filters by name. Bursts of events settle into one
// reload after `debounceMs` of quiet.
import { watch, statSync, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { isPolicyFileName } from "./policy-files.js";

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
  const wanted = (name: string | null) =>
    name === null || (isDir ? isPolicyFileName(name) : name === basename(path));
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
