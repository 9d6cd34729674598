// Runs inside the test VM (npm run test:kernel): checks the guest offers what
// every other kernel suite assumes.
import assert from "node:assert/strict";
import { readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { requireTestVm } from "./guard.js";

requireTestVm();

// statfs(2) magic numbers from linux/magic.h
const MAGIC = {
  bpf: 0xcafe4a11,
  cgroup2: 0x63677270,
  tmpfs: 0x01021994,
  overlay: 0x794c7630,
} as const;

function fsType(path: string): number {
  return Number(statfsSync(path).type);
}

/** Mount points from /proc/self/mounts: mount point → filesystem type. */
function mounts(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync("/proc/self/mounts", "utf8").split("\n")) {
    const [, point, type] = line.split(" ");
    if (point !== undefined && type !== undefined) out.set(point, type);
  }
  return out;
}

test("BPF LSM is active", () => {
  const lsms = readFileSync("/sys/kernel/security/lsm", "utf8").trim().split(",");
  assert.ok(lsms.includes("bpf"), `active LSMs: ${lsms.join(",")}`);
});

test("bpffs is mounted at /sys/fs/bpf and cgroup2 at /sys/fs/cgroup", () => {
  assert.equal(mounts().get("/sys/fs/bpf"), "bpf");
  assert.equal(fsType("/sys/fs/bpf"), MAGIC.bpf);
  assert.equal(mounts().get("/sys/fs/cgroup"), "cgroup2");
  assert.equal(fsType("/sys/fs/cgroup"), MAGIC.cgroup2);
});

test("/tmp is a tmpfs", () => {
  assert.equal(mounts().get("/tmp"), "tmpfs");
  assert.equal(fsType("/tmp"), MAGIC.tmpfs);
});

test("the root is a writable overlay", () => {
  assert.equal(mounts().get("/"), "overlay");
  assert.equal(fsType("/"), MAGIC.overlay);
  const probe = "/usr/proofwall-vm-write-probe";
  writeFileSync(probe, "ok");
  assert.equal(readFileSync(probe, "utf8"), "ok");
  rmSync(probe);
});

test("the test runs as root", () => {
  assert.equal(process.getuid?.(), 0);
});
