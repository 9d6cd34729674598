// Where the installed tree keeps its parts, derived from this module's location
// (dist/paths.js), never from the working directory.
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** A kernel object built by `make -C bpf`, e.g. bpfObjectPath("file_guard"). */
export function bpfObjectPath(name: string): string {
  return join(repoRoot, "build", "bpf", `${name}.bpf.o`);
}
