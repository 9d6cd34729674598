// What an agent finds where self-protection pins its objects, before it loads
// anything: nothing; pins an earlier agent left unsealed (it died before
// sealing, or after a signed unseal), which may be removed; or pins that
// refuse it, because another process holds the seal. The last case is the one
// the threat model calls failing closed: enforcement goes on, and nobody but
// the sealing agent can touch Proofwall until a reboot.
import { lstatSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BpfMap, KernelError } from "../kernel/index.js";

export type SealProbe =
  | { readonly kind: "absent" }
  | { readonly kind: "stale" }
  | { readonly kind: "sealed-elsewhere"; readonly detail: string };

const EPERM = 1;

/**
 * Whether `path` exists, by lstat: existsSync() uses access(2), which asks the
 * inode for permission, and a sealed pin refuses that to all but the agent.
 */
const present = (path: string) => lstatSync(path, { throwIfNoEntry: false }) !== undefined;

export function probeSeal(pinDir: string): SealProbe {
  if (!present(pinDir) || readdirSync(pinDir).length === 0) return { kind: "absent" };
  const sealPin = join(pinDir, "pw_seal");
  if (!present(sealPin)) return { kind: "stale" }; // a pin interrupted before pw_seal
  try {
    // Whatever the seal says: if its pins let this process in, its hooks no
    // longer guard anything, and the pins are only in the way.
    BpfMap.openPinned(sealPin)[Symbol.dispose]();
    return { kind: "stale" };
  } catch (e) {
    if (e instanceof KernelError && e.errno === EPERM)
      return { kind: "sealed-elsewhere", detail: `${sealPin}: EPERM` };
    throw e;
  }
}

/** Removes pins an earlier agent left unsealed; their links detach as the last pin goes. */
export function removeStalePins(pinDir: string): void {
  rmSync(pinDir, { recursive: true, force: true });
}
