import { test } from "node:test";
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { kernelDev, splitUserDev, fileKeyOf } from "./file.js";

test("user dev_t splits into major and minor like glibc", () => {
  // makedev(8, 1) = 0x801; makedev(259, 300) uses the high bits of both parts.
  assert.deepEqual(splitUserDev(0x801n), { major: 8, minor: 1 });
  const dev = ((259n << 8n) & 0xfff00n) | (300n & 0xffn) | ((300n & ~0xffn) << 12n);
  assert.deepEqual(splitUserDev(dev), { major: 259, minor: 300 });
});

test("kernel dev_t packs major above 20 bits of minor", () => {
  assert.equal(kernelDev(0x801n), (8 << 20) | 1);
  assert.equal(kernelDev(0n), 0);
});

test("a file key is the path's inode and its mount's device", () => {
  const st = statSync("/etc/hostname", { bigint: true });
  const mounts = [{ mountPoint: "/", major: 0, minor: 42, fsType: "overlay" }];
  assert.deepEqual(fileKeyOf("/etc/hostname", mounts), { dev: 42, ino: st.ino });
  assert.deepEqual(fileKeyOf("/etc/hostname", []), { dev: kernelDev(st.dev), ino: st.ino });
});
