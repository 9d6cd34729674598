// Sets the scene before the agent starts and clears it afterwards: the vault
// and its secrets on tmpfs, what an attacker could have prepared before the
// policy existed (a hard link, a bind mount), the cgroups, addresses on lo
// with listeners, and the service holding the secret in memory.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { Holder } from "./attempt.js";
import { Listeners } from "./listeners.js";
import { startInCgroup, stopService, type Service } from "./processes.js";
import {
  ATTACKER_CGROUPS,
  BASE,
  INJECTOR,
  KEY,
  LOOT_ROOT,
  DROP6,
  LO_ADDRESSES,
  OLD_BIND,
  OLD_LINK,
  RECORDS,
  VAULT,
  VAULT_CGROUP,
  attemptProgram,
  type Secrets,
} from "./world.js";

const IP = "/usr/sbin/ip";
const MOUNT = "/usr/bin/mount";
const UMOUNT = "/usr/bin/umount";

export interface Stage {
  readonly secrets: Secrets;
  readonly listeners: Listeners;
  readonly holder: Holder;
  tearDown(): Promise<void>;
}

function must(cmd: string, args: readonly string[]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0)
    throw new Error(`red-team stage: ${cmd} ${args.join(" ")}: ${r.stderr || r.error?.message}`);
}

function writeSecrets(): Secrets {
  const token = `pwsecret${randomBytes(8).toString("hex")}`;
  mkdirSync(join(VAULT, "records"), { recursive: true });
  writeFileSync(KEY, `-----BEGIN KEY----- ${token}\n`, { mode: 0o644 });
  writeFileSync(RECORDS, `id,name,card\n1,alice,${token}\n`, { mode: 0o644 });
  const files = [KEY, RECORDS];
  return {
    token,
    digests: files.map((f) => createHash("sha256").update(readFileSync(f)).digest("hex")),
    inodes: files.map((f) => {
      const st = statSync(f);
      return `${st.dev}:${st.ino}`;
    }),
  };
}

/** Mount points under BASE, deepest first (attacks that worked may leave some). */
function mountsUnderBase(): string[] {
  return readFileSync("/proc/self/mounts", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[1] ?? "")
    .filter((m) => m === BASE || m.startsWith(`${BASE}/`))
    .reverse();
}

function clearScene(): void {
  for (const m of mountsUnderBase()) spawnSync(UMOUNT, ["-l", m]);
  rmSync(BASE, { recursive: true, force: true });
  for (const a of LO_ADDRESSES) spawnSync(IP, ["addr", "del", `${a}/32`, "dev", "lo"]);
  spawnSync(IP, ["-6", "addr", "del", `${DROP6}/128`, "dev", "lo"]);
  for (const cg of [ATTACKER_CGROUPS, VAULT_CGROUP]) removeCgroupTree(cg);
}

function removeCgroupTree(cg: string): void {
  try {
    for (const e of readdirSync(cg, { withFileTypes: true }))
      if (e.isDirectory()) removeCgroupTree(join(cg, e.name));
    rmdirSync(cg);
  } catch {
    // absent, or still busy: a later clearScene() tries again
  }
}

async function startHolder(): Promise<{ service: Service; holder: Holder }> {
  const service = await startInCgroup(VAULT_CGROUP, [attemptProgram("holder"), KEY]);
  const [addr, len, fd] = service.firstLine.split(" ");
  if (addr === undefined || len === undefined || fd === undefined)
    throw new Error(`holder printed "${service.firstLine}", not "ADDRESS LENGTH FD"`);
  const holder = { pid: service.child.pid ?? -1, addr, len: Number(len), fd: Number(fd) };
  return { service, holder };
}

export async function setUpStage(): Promise<Stage> {
  clearScene();
  const secrets = writeSecrets();
  mkdirSync(LOOT_ROOT);
  mkdirSync(dirname(INJECTOR));
  copyFileSync(attemptProgram("anon-exec"), INJECTOR);
  chmodSync(INJECTOR, 0o755);
  linkSync(KEY, OLD_LINK);
  mkdirSync(OLD_BIND);
  must(MOUNT, ["--bind", VAULT, OLD_BIND]);
  mkdirSync(VAULT_CGROUP);
  mkdirSync(ATTACKER_CGROUPS);
  for (const a of LO_ADDRESSES) must(IP, ["addr", "add", `${a}/32`, "dev", "lo"]);
  must(IP, ["-6", "addr", "add", `${DROP6}/128`, "dev", "lo", "nodad"]);
  const listeners = await Listeners.start();
  const { service, holder } = await startHolder();
  return {
    secrets,
    listeners,
    holder,
    async tearDown() {
      await stopService(service);
      await listeners.close();
      clearScene();
    },
  };
}
