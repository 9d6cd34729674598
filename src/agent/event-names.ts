// Events carry kernel identities (uid, device+inode); operators read names.
// The executable is named from /proc/<pid>/exe while the process lives (and
// only if it is still the same inode), else from the paths the policy names,
// else by its key. The result is flat, printable and JSON-safe.
import { readlinkSync } from "node:fs";
import type { FileKey } from "../abi/file-key.js";
import { fileKeyOf } from "../identity/file.js";
import type { Policy } from "../policy/index.js";
import type { Accounts } from "./accounts.js";
import type { PathNamer } from "./path-namer.js";
import type { DecisionEvent, EventResource } from "./enforcer.js";
import { assertNever } from "../policy/index.js";

export interface NamedEvent {
  readonly time: string;
  readonly hook: string;
  readonly action: string;
  readonly ruleId: string | null;
  readonly generation: number;
  readonly pid: number;
  readonly uid: number;
  readonly user: string | null;
  readonly comm: string;
  readonly exe: string | null;
  readonly cgroupId: string;
  readonly resource: string;
}

const keyText = (k: FileKey) => `${k.dev >>> 20}:${k.dev & 0xfffff}/${k.ino}`;
const keyId = (k: FileKey) => `${k.dev}/${k.ino}`;

/** Every path the policy names, by key: the files a rule is about. */
export function knownPaths(policy: Policy | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of policy?.rules ?? [])
    if (r.resource.kind === "files" || r.resource.kind === "exec")
      for (const t of r.resource.targets) out.set(keyId(t.key), t.path);
  return out;
}

function procExe(pid: number, key: FileKey): string | null {
  try {
    const path = readlinkSync(`/proc/${pid}/exe`);
    const k = fileKeyOf(path); // the mount's device, as the kernel sees it (overlayfs)
    return k.ino === key.ino && k.dev === key.dev ? path : null;
  } catch {
    return null;
  }
}

function resourceText(r: EventResource, known: Map<string, string>): string {
  switch (r.kind) {
    case "file":
      return r.path ?? known.get(keyId(r.key)) ?? `inode ${keyText(r.key)}`;
    case "address":
      if (r.protocol === "icmp") return `icmp ${r.addr}`;
      return r.family === 6 ? `[${r.addr}]:${r.port}` : `${r.addr}:${r.port}`;
    case "other":
      return r.detail;
    default:
      return assertNever(r);
  }
}

export function nameEvent(
  e: DecisionEvent,
  accounts: Accounts,
  known: Map<string, string>,
  namer?: PathNamer,
): NamedEvent {
  const exe =
    e.exe === null
      ? null
      : (e.exePath ??
        procExe(e.pid, e.exe) ??
        namer?.exe(e.pid, e.exe) ??
        known.get(keyId(e.exe)) ??
        `inode ${keyText(e.exe)}`);
  return {
    time: new Date(e.time).toISOString(),
    hook: e.hook,
    action: e.action,
    ruleId: e.ruleId,
    generation: e.generation,
    pid: e.pid,
    uid: e.uid,
    user: accounts.nameOf(e.uid),
    comm: e.comm,
    exe,
    cgroupId: e.cgroupId.toString(),
    resource: resourceText(e.resource, known),
  };
}
