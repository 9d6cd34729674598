// Deciding what an attempt achieved. A leak is judged by evidence outside
// the attacker's word: the secret in its output, in files it left, or at a
// listener; or the attempt's own sign of success (a mount, a module). A
// refusal is the kernel's EPERM/EACCES as the program reports it; only the
// agent's event proves that Proofwall refused, so that is checked apart.
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Attempt, Ran } from "./attempt.js";
import type { Secrets } from "./world.js";

export type Outcome = "blocked" | "leaked" | "failed";

/** What the network attempt programs print once the data left (redteam/net-send.c). */
const SENT = /^sent \d+ bytes$/m;
/** strerror(EPERM/EACCES); util-linux umount words EPERM as "must be superuser". */
const REFUSAL =
  /Operation not permitted|Permission denied|must be superuser to unmount|^refused: /im;

/**
 * Why the attacker's directory holds the secret, or null: a secret file
 * itself (moved or hard-linked there; its inode says so even where reading it
 * is refused), or a file with the secret's bytes. Symlinks are not followed:
 * a link to the vault is only a name.
 */
function lootLeak(dir: string, s: Secrets): string | null {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isDirectory()) {
      const inner = lootLeak(path, s);
      if (inner !== null) return inner;
    } else if (st.isFile()) {
      if (s.inodes.includes(`${st.dev}:${st.ino}`)) return `${path} is a secret file`;
      if (containsSecret(readFileSync(path, "latin1"), s)) return `${path} holds the secret`;
    }
  }
  return null;
}

export function containsSecret(text: string, s: Secrets): boolean {
  return text.includes(s.token) || s.digests.some((d) => text.includes(d));
}

export interface Evidence {
  readonly ran: Ran;
  readonly secrets: Secrets;
  readonly loot: string;
  /** What the listeners received during the attempt. */
  readonly received: string;
}

export function judge(attempt: Attempt, e: Evidence): { outcome: Outcome; why: string } {
  const { ran, secrets } = e;
  if (containsSecret(ran.stdout + ran.stderr, secrets))
    return { outcome: "leaked", why: "the secret is in the attacker's output" };
  const inLoot = lootLeak(e.loot, secrets);
  if (inLoot !== null) return { outcome: "leaked", why: inLoot };
  if (containsSecret(e.received, secrets))
    return { outcome: "leaked", why: "the secret arrived at a listener" };
  if (SENT.test(ran.stdout)) return { outcome: "leaked", why: "the data left through the socket" };
  if (attempt.achieved?.(ran) === true) return { outcome: "leaked", why: "the attack succeeded" };
  if (ran.status !== 0 && REFUSAL.test(ran.stderr))
    return { outcome: "blocked", why: lastLine(ran.stderr) };
  return {
    outcome: "failed",
    why: `neither refused nor leaked: exit ${ran.status}: ${lastLine(ran.stderr || ran.stdout)}`,
  };
}

const lastLine = (text: string) => text.trim().split("\n").at(-1) ?? "";
