import { test } from "node:test";
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { kernelDev } from "../identity/file.js";
import { cgroup2Root, parseIdDatabase, systemResolver } from "./system-resolver.js";

test("passwd and group databases map names to ids", () => {
  const db = parseIdDatabase(
    "root:x:0:0:root:/root:/bin/bash\n# comment\nalice:x:1000:1000::/home/alice:/bin/sh\nbad\n",
  );
  assert.deepEqual(
    [...db],
    [
      ["root", 0],
      ["alice", 1000],
    ],
  );
});

test("the cgroup v2 mount is found in pure and hybrid layouts", () => {
  assert.equal(cgroup2Root("cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n"), "/sys/fs/cgroup");
  const hybrid =
    "tmpfs /sys/fs/cgroup tmpfs ro 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n";
  assert.equal(cgroup2Root(hybrid), "/sys/fs/cgroup/unified");
});

test("this machine's root user, files and unknown names resolve as expected", () => {
  const r = systemResolver();
  assert.equal(r.user("root"), 0);
  assert.equal(r.group("root"), 0);
  assert.equal(r.user("no-such-user-proofwall"), null);
  const st = statSync("/etc/passwd", { bigint: true });
  assert.deepEqual(r.file("/etc/passwd"), {
    kind: "found",
    key: { dev: kernelDev(st.dev), ino: st.ino },
    directory: false,
  });
  assert.equal(r.file("/etc").kind === "found" && r.file("/etc").kind, "found");
  assert.deepEqual(r.file("/no/such/file"), { kind: "missing", why: "no such file or directory" });
  assert.equal(r.service("no-such-unit-proofwall.service").kind, "unknown");
  assert.equal(r.cgroup("/etc").kind, "missing");
});
