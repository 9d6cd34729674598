// Where the VM's downloaded kernel and built initramfs live: a per-user cache
// outside the repository, because they are large and rebuilt from apt.
import { homedir } from "node:os";
import { join } from "node:path";

export function vmCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env["PROOFWALL_VM_CACHE"];
  if (override) return override;
  const xdg = env["XDG_CACHE_HOME"];
  return join(xdg ? xdg : join(homedir(), ".cache"), "proofwall", "vm");
}
