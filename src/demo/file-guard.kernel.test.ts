// The demo's four claims, checked against the real kernel in the test VM:
// denied inside the cgroup, allowed outside, the event names who and what,
// and detaching restores access.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { FileGuard } from "./file-guard.js";
import { fileKeyOf } from "../identity/file.js";
import { cgroupIdOf, createCgroup, removeCgroup } from "../identity/cgroup.js";

requireTestVm();

const dir = mkdtempSync("/tmp/pw-demo-");
const secret = join(dir, "secret");
const cgroup = createCgroup("pw-demo-test");
let guard: FileGuard;

/** Runs `cat secret` as `uid`, inside the confined cgroup or not. */
function catSecret(
  inCgroup: boolean,
  uid = 0,
): { status: number | null; stdout: string; stderr: string; pid: number } {
  const enter = inCgroup ? `echo $$ > ${cgroup}/cgroup.procs && ` : "";
  const drop = uid === 0 ? "" : `setpriv --reuid=${uid} --regid=${uid} --clear-groups `;
  const r = spawnSync("sh", ["-c", `echo $$; ${enter}exec ${drop}cat ${secret}`], {
    encoding: "utf8",
  });
  const [pidLine, ...rest] = r.stdout.split("\n");
  return { status: r.status, stdout: rest.join("\n"), stderr: r.stderr, pid: Number(pidLine) };
}

before(() => {
  writeFileSync(secret, "the crown jewels\n");
  chmodSync(dir, 0o755);
  chmodSync(secret, 0o644);
  guard = FileGuard.start({ protectedFile: secret, cgroupPath: cgroup });
});

after(async () => {
  await guard[Symbol.asyncDispose]();
  removeCgroup(cgroup);
});

test("the protected file is denied inside the cgroup", () => {
  const r = catSecret(true);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /Operation not permitted/);
  assert.equal(r.stdout, "");
});

test("the protected file is allowed outside the cgroup", () => {
  const r = catSecret(false);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "the crown jewels\n");
});

test("other files stay readable inside the cgroup", () => {
  const other = join(dir, "other");
  writeFileSync(other, "fine\n");
  const r = spawnSync("sh", ["-c", `echo $$ > ${cgroup}/cgroup.procs && exec cat ${other}`], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "fine\n");
});

test("the denial event carries pid, uid, cgroup and inode", async () => {
  const r = catSecret(true, 1000);
  assert.notEqual(r.status, 0);
  const key = fileKeyOf(secret);
  const event = await guard.waitForEvent((e) => e.tgid === r.pid);
  assert.equal(event.verdict, "deny");
  assert.equal(event.hook, "fileOpen");
  assert.equal(event.pid, r.pid);
  assert.equal(event.uid, 1000);
  assert.equal(event.gid, 1000);
  assert.equal(event.cgroupId, cgroupIdOf(cgroup));
  assert.equal(event.ino, key.ino);
  assert.equal(event.dev, key.dev);
  assert.equal(event.comm, "cat");
});

test("detaching restores access", () => {
  assert.notEqual(catSecret(true).status, 0);
  guard.detach();
  const r = catSecret(true);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "the crown jewels\n");
});
