// Evasion: getting at the secret without opening the file (another process's
// memory), or changing the rules of the game (mounts, kernel modules, a copy
// of an allowed program, code that has no file).
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { vmCacheDir } from "../vm/paths.js";
import { scripted, expectEvent, type Attempt, type Ran, type Row } from "./attempt.js";
import { INJECTOR, KEY, attemptProgram } from "./world.js";

const MEMFD_MARKER = "memfd-payload-ran";
const INJECTED_MARKER = "injected-code-ran";

const row = (channel: string, attempts: readonly Attempt[]): Row => ({
  group: "evasion",
  channel,
  needsSeal: false,
  attempts,
});

const peek = (mode: string) =>
  scripted(`peek ${mode} of the vault's service`, expectEvent("ptrace", "ptrace-attach"), (c) =>
    [attemptProgram("peek"), mode, c.holder.pid, c.holder.addr, c.holder.len].join(" "),
  );

const succeeded = (r: Ran) => r.status === 0;

/**
 * A real module of the guest's kernel: the VM's own modules, kept with its
 * kernel in the host's cache (the guest sees the host's root).
 */
export function guestModule(): string {
  const cache = vmCacheDir();
  const dirs = existsSync(cache) ? readdirSync(cache).map((p) => join(cache, p, "modules")) : [];
  for (const dir of dirs.filter((d) => existsSync(d))) {
    const first = readdirSync(dir)
      .filter((f) => f.endsWith(".ko"))
      .sort()[0];
    if (first !== undefined) return join(dir, first);
  }
  throw new Error(`no kernel module (*.ko) of the test VM's kernel under ${cache}`);
}

export const EVASION_ROWS: readonly Row[] = [
  row("ptrace", [peek("attach")]),
  row("process_vm_readv", [peek("vmread")]),
  row("/proc/<pid>/mem", [peek("procmem")]),
  row("pidfd_getfd", [
    scripted("take the service's descriptor", expectEvent("ptrace", "ptrace-attach"), (c) =>
      [attemptProgram("peek"), "getfd", c.holder.pid, c.holder.fd].join(" "),
    ),
  ]),
  row("mount", [
    scripted(
      "mount(2) a tmpfs",
      expectEvent("mount", "mounts"),
      (c) => `/usr/bin/mkdir ${c.loot}/t && /usr/bin/mount -t tmpfs none ${c.loot}/t`,
      succeeded,
    ),
    scripted(
      "fsopen/fsmount/move_mount a tmpfs",
      expectEvent("mount", "mounts"),
      (c) => `/usr/bin/mkdir ${c.loot}/n && ${attemptProgram("fsmount")} tmpfs ${c.loot}/n`,
      succeeded,
    ),
  ]),
  row("module load", [
    scripted(
      "insmod a module of the running kernel",
      expectEvent("module-load", "modules"),
      () => `/usr/sbin/insmod ${guestModule()}`,
      succeeded,
    ),
  ]),
  row("copy of an allowed binary", [
    scripted(
      "a copy of sha256sum reads the key",
      expectEvent("file-open", "vault-key"),
      (c) => `/usr/bin/cp /usr/bin/sha256sum ${c.loot}/ && ${c.loot}/sha256sum ${KEY}`,
    ),
  ]),
  row("memfd exec", [
    scripted(
      "fexecve of a memfd",
      expectEvent("exec", "memfd-exec"),
      () => `${attemptProgram("memfd-exec")} /usr/bin/echo ${MEMFD_MARKER}`,
      (r) => r.stdout.includes(MEMFD_MARKER),
    ),
  ]),
  row("code in anonymous memory", [
    ...(["mprotect", "rwx", "shared"] as const).map((how) =>
      scripted(
        `anon-exec ${how}: write code into anonymous memory and call it`,
        expectEvent("exec", "injected-code"),
        () => `${INJECTOR} ${how} ${INJECTED_MARKER}`,
        (r) => r.stdout.includes(INJECTED_MARKER),
      ),
    ),
  ]),
];
