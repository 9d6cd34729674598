import { test, after } from "node:test";
import assert from "node:assert/strict";
import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Attempt, Ran } from "./attempt.js";
import { judge } from "./judge.js";

const dir = mkdtempSync(join(tmpdir(), "pw-judge-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const secretFile = join(dir, "secret");
writeFileSync(secretFile, "tok123\n");
const st = statSync(secretFile);
const secrets = { token: "tok123", digests: ["d1g35t"], inodes: [`${st.dev}:${st.ino}`] };
const attempt: Attempt = { name: "x", expect: [], run: () => Promise.reject(new Error("unused")) };

let n = 0;
function loot(): string {
  const d = join(dir, `loot${++n}`);
  mkdirSync(d);
  return d;
}
const ran = (status: number, stdout = "", stderr = ""): Ran => ({
  status,
  stdout,
  stderr,
  cgroupId: 1n,
});
const evidence = (r: Ran, l = loot(), received = "") => ({ ran: r, secrets, loot: l, received });

test("a refusal is blocked; another failure is neither blocked nor leaked", () => {
  assert.equal(
    judge(attempt, evidence(ran(1, "", "cat: x: Operation not permitted\n"))).outcome,
    "blocked",
  );
  assert.equal(
    judge(attempt, evidence(ran(3, "", "refused: recvmsg: dropped\n"))).outcome,
    "blocked",
  );
  const umount = "umount: /sys/fs/bpf: must be superuser to unmount.\n";
  assert.equal(judge(attempt, evidence(ran(32, "", umount))).outcome, "blocked");
  assert.equal(
    judge(attempt, evidence(ran(1, "", "cat: x: No such file or directory\n"))).outcome,
    "failed",
  );
  assert.equal(judge(attempt, evidence(ran(0))).outcome, "failed");
});

test("the secret anywhere outside is a leak, whatever the exit status says", () => {
  const refusedButPrinted = ran(1, "tok123", "Operation not permitted");
  assert.equal(judge(attempt, evidence(refusedButPrinted)).outcome, "leaked");
  assert.equal(judge(attempt, evidence(ran(0, "d1g35t  /x\n"))).outcome, "leaked");
  assert.equal(
    judge(attempt, evidence(ran(1, "", "Operation not permitted"), loot(), "xx tok123")).outcome,
    "leaked",
  );
  assert.equal(judge(attempt, evidence(ran(0, "sent 6 bytes\n"))).outcome, "leaked");
  const achieved: Attempt = { ...attempt, achieved: (r) => r.status === 0 };
  assert.equal(judge(achieved, evidence(ran(0))).outcome, "leaked");
});

test("loot: a copy, a hard link or a moved secret leaks; a symlink is only a name", () => {
  const copy = loot();
  writeFileSync(join(copy, "c"), "...tok123...");
  assert.equal(
    judge(attempt, evidence(ran(1, "", "Operation not permitted"), copy)).outcome,
    "leaked",
  );
  const linked = loot();
  mkdirSync(join(linked, "deep"));
  linkSync(secretFile, join(linked, "deep", "k"));
  assert.match(judge(attempt, evidence(ran(0), linked)).why, /is a secret file/);
  const sym = loot();
  symlinkSync(secretFile, join(sym, "s"));
  assert.equal(
    judge(attempt, evidence(ran(1, "", "Operation not permitted"), sym)).outcome,
    "blocked",
  );
});
