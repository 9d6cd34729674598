// Exfiltration by file access: every way we know to get the vault's bytes
// without opening them by their path with read(2). Binaries are named by
// absolute path: the guest's busybox would otherwise run its own applets.
import { scripted, expectEvent, type Attempt, type Row } from "./attempt.js";
import { FD_SOCKET, KEY, OLD_BIND, OLD_LINK, RECORDS, VAULT, attemptProgram } from "./world.js";

const CAT = "/usr/bin/cat";
const CP = "/usr/bin/cp";
const DD = "/usr/bin/dd";
const LN = "/usr/bin/ln";
const MV = "/usr/bin/mv";
const MOUNT = "/usr/bin/mount";

const opened = (rule: string) => expectEvent("file-open", rule);
const fileOp = (rule: string) => expectEvent("file-op", rule);

function program(name: string, ...args: string[]): string {
  return [attemptProgram(name), ...args].join(" ");
}

const scmRights: Attempt = {
  name: "fd from the vault's service",
  expect: opened("vault-key"),
  async run(ctx) {
    const line = await ctx.startService([attemptProgram("fd-pass"), "send", FD_SOCKET, KEY]);
    if (line !== "ready") throw new Error(`fd-pass send: expected "ready", got ${line}`);
    return ctx.attacker(program("fd-pass", "recv", FD_SOCKET));
  },
};

const row = (channel: string, attempts: readonly Attempt[]): Row => ({
  group: "file",
  channel,
  needsSeal: false,
  attempts,
});

export const FILE_ROWS: readonly Row[] = [
  row("cat", [
    scripted("cat the key", opened("vault-key"), () => `${CAT} ${KEY}`),
    scripted("cat the records", opened("vault"), () => `${CAT} ${RECORDS}`),
  ]),
  row("cp", [scripted("cp the key", opened("vault-key"), (c) => `${CP} ${KEY} ${c.loot}/`)]),
  row("dd", [
    scripted("dd the records", opened("vault"), (c) => `${DD} if=${RECORDS} of=${c.loot}/out`),
  ]),
  row("mmap", [scripted("mmap the key", opened("vault-key"), () => program("read-mmap", KEY))]),
  row("sendfile", [
    scripted("sendfile the records", opened("vault"), () => program("read-sendfile", RECORDS)),
  ]),
  row("hardlink", [
    scripted("link the key out", fileOp("vault-key"), (c) => `${LN} ${KEY} ${c.loot}/k`),
    scripted("link the records out", fileOp("vault"), (c) => `${LN} ${RECORDS} ${c.loot}/r`),
    scripted("read a link made before the policy", opened("vault-key"), () => `${CAT} ${OLD_LINK}`),
  ]),
  row("symlink", [
    scripted(
      "symlink to the records",
      opened("vault"),
      (c) => `${LN} -s ${RECORDS} ${c.loot}/s && ${CAT} ${c.loot}/s`,
    ),
    scripted(
      "symlink to the vault directory",
      opened("vault-key"),
      (c) => `${LN} -s ${VAULT} ${c.loot}/v && ${CAT} ${c.loot}/v/key`,
    ),
  ]),
  row("bind mount", [
    scripted(
      "read through a bind mount made before the policy",
      opened("vault"),
      () => `${CAT} ${OLD_BIND}/records/customers.csv`,
    ),
    scripted(
      "bind-mount the vault",
      expectEvent("mount", "mounts"),
      (c) =>
        `/usr/bin/mkdir ${c.loot}/b && ${MOUNT} --bind ${VAULT} ${c.loot}/b && ${CAT} ${c.loot}/b/key`,
    ),
  ]),
  row("/proc/self/root", [
    scripted("cat /proc/self/root/...", opened("vault"), () => `${CAT} /proc/self/root${RECORDS}`),
  ]),
  row("rename out", [
    scripted("mv the key out", fileOp("vault-key"), (c) => `${MV} ${KEY} ${c.loot}/`),
    scripted(
      "mv the records directory out",
      fileOp("vault"),
      (c) => `${MV} ${VAULT}/records ${c.loot}/`,
    ),
  ]),
  row("SCM_RIGHTS", [scmRights]),
  row("/proc/<pid>/fd", [
    scripted(
      "reopen the service's descriptor",
      opened("vault-key"),
      (c) => `${CAT} /proc/${c.holder.pid}/fd/${c.holder.fd}`,
    ),
  ]),
  row("io_uring openat", [
    scripted("IORING_OP_OPENAT the key", opened("vault-key"), () =>
      program("uring", "openat", KEY),
    ),
    scripted("IORING_OP_OPENAT the records", opened("vault"), () =>
      program("uring", "openat", RECORDS),
    ),
  ]),
];
