import { test } from "node:test";
import assert from "node:assert/strict";
import { mountOf, parseMountInfo } from "./mounts.js";

const sample = [
  "22 1 0:23 / / rw,relatime - overlay overlay rw,lowerdir=/lower",
  "30 22 0:31 / /tmp rw - tmpfs tmpfs rw",
  "31 22 8:1 /data /srv/my\\040data rw - ext4 /dev/sda1 rw",
  "32 30 0:40 / /tmp/inner rw - tmpfs tmpfs rw",
].join("\n");

test("mountinfo lines give mount point, device and type", () => {
  const mounts = parseMountInfo(sample);
  assert.equal(mounts.length, 4);
  assert.deepEqual(mounts[2], { mountPoint: "/srv/my data", major: 8, minor: 1, fsType: "ext4" });
});

test("a path belongs to its longest containing mount", () => {
  const mounts = parseMountInfo(sample);
  assert.equal(mountOf(mounts, "/etc/passwd")?.minor, 23);
  assert.equal(mountOf(mounts, "/tmp/x")?.minor, 31);
  assert.equal(mountOf(mounts, "/tmp/inner/y")?.minor, 40);
  assert.equal(
    mountOf(mounts, "/tmpfoo")?.minor,
    23,
    "a prefix that is not a path component does not count",
  );
  assert.equal(mountOf(mounts, "/srv/my data/f")?.major, 8);
});
