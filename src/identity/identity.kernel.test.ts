// pw_helpers.h against the real kernel: the identity a hook computes for a
// process, and the ancestor chain of a file, must be what user space sees.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { BpfObject, RingBufferReader } from "../kernel/index.js";
import { bpfObjectPath } from "../paths.js";
import { decodeSubject, SUBJECT_SIZE, type PwSubject } from "../abi/subject.js";
import { FILE_KEY_SIZE } from "../abi/file-key.js";
import { fileKeyOf } from "./file.js";
import { cgroupIdOf, createCgroup, removeCgroup } from "./cgroup.js";

requireTestVm();

const root = mkdtempSync("/tmp/pw-id-");
const deep = join(root, "a", "b", "c");
mkdirSync(deep, { recursive: true });
const file = join(deep, "secret");
writeFileSync(file, "x");
chmodSync(root, 0o755);
const outer = createCgroup("pw-id-svc");
const inner = createCgroup("pw-id-svc/worker");

interface Seen {
  readonly subject: PwSubject;
  readonly chain: { dev: number; ino: bigint }[];
}

async function observe(shell: string, target = file): Promise<Seen[]> {
  using obj = BpfObject.open(bpfObjectPath("test-data/identity_probe"))
    .setRodata({ target_ino: fileKeyOf(target).ino })
    .load();
  const seen: Seen[] = [];
  const reader = new RingBufferReader(obj.map("identity_events"), (r) => {
    const len = r.readUInt32LE(SUBJECT_SIZE);
    const chain = Array.from({ length: len }, (_, i) => {
      const at = SUBJECT_SIZE + 8 + i * FILE_KEY_SIZE;
      return { ino: r.readBigUInt64LE(at), dev: r.readUInt32LE(at + 8) };
    });
    seen.push({ subject: decodeSubject(r), chain });
  });
  using _link = obj.program("identity_file_open").attachLsm();
  const run = spawnSync("sh", ["-c", shell], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  reader.consume();
  await reader.close();
  return seen;
}

after(() => {
  removeCgroup(inner);
  removeCgroup(outer);
});

test("uid, gid, login uid, executable and the cgroup chain", async () => {
  const cat = realpathSync("/usr/bin/cat");
  const [seen] = await observe(
    `echo 4242 > /proc/self/loginuid && echo $$ > ${inner}/cgroup.procs && exec setpriv --reuid=1000 --regid=1001 --clear-groups ${cat} ${file}`,
  );
  assert.ok(seen, "the open was observed");
  assert.equal(seen.subject.uid, 1000);
  assert.equal(seen.subject.gid, 1001);
  assert.equal(seen.subject.loginuid, 4242);
  assert.deepEqual(seen.subject.exe, fileKeyOf(cat));
  assert.deepEqual(seen.subject.cgroups, [cgroupIdOf(inner), cgroupIdOf(outer)]);
});

test("a process in the root cgroup with no login uid", async () => {
  const [seen] = await observe(`exec cat ${file}`);
  assert.ok(seen);
  assert.equal(seen.subject.loginuid, 0xffffffff);
  assert.deepEqual(seen.subject.cgroups, []);
});

test("the ancestor chain names the file's directories, whatever path reached it", async () => {
  const expected = [file, deep, dirname(deep), join(root, "a"), root, "/tmp"].map((p) =>
    fileKeyOf(p),
  );
  const link = join(root, "hardlink");
  linkSync(file, link);
  symlinkSync(file, join(root, "symlink"));
  for (const via of [
    file,
    join(root, "symlink"),
    `/proc/self/root${file}`,
    join(deep, "..", "c", "secret"),
  ]) {
    const [seen] = await observe(`exec cat ${via}`);
    assert.ok(seen, via);
    assert.deepEqual(seen.chain, expected, `chain via ${via}`);
  }
  // Files on the overlay root: the device must be the overlay's, as the hook sees it.
  const [onOverlay] = await observe("exec cat /etc/hostname", "/etc/hostname");
  assert.deepEqual(
    onOverlay?.chain,
    ["/etc/hostname", "/etc", "/"].map((p) => fileKeyOf(p)),
  );
  // A hard link is the same inode but reached through another directory entry:
  // its chain starts with the same file and continues through the link's directory.
  const [viaLink] = await observe(`exec cat ${link}`);
  assert.deepEqual(viaLink?.chain[0], fileKeyOf(file));
});
