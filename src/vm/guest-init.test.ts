import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { GUEST_DIR, jobScript, shellQuote, stage1Script, stage2Script } from "./guest-init.js";

test("shellQuote survives a round trip through sh", () => {
  for (const s of ["plain", "it's", "a b\tc", '$HOME `x` \\ "q"', "", "line\nbreak"]) {
    assert.equal(execFileSync("sh", ["-c", `printf %s ${shellQuote(s)}`], { encoding: "utf8" }), s);
  }
});

test("the job script enters cwd and execs argv with exactly the given environment", () => {
  const s = jobScript({
    argv: ["node", "--test", "a b.js"],
    cwd: "/w/it's",
    env: { PATH: "/usr/bin", X: "1 2" },
  });
  assert.match(s, /^cd '\/w\/it'\\''s' /);
  assert.ok(
    s.includes(`exec ${GUEST_DIR}/busybox env -i 'PATH=/usr/bin' 'X=1 2' 'node' '--test' 'a b.js'`),
    s,
  );
});

test("an argv[0] containing '=' is not mistaken for a variable", () => {
  const s = jobScript({ argv: ["A=B"], cwd: "/", env: {} });
  assert.ok(s.includes(`env -i '${GUEST_DIR}/busybox' 'sh' '-c' 'exec "$@"' 'sh' 'A=B'`), s);
  assert.throws(() => jobScript({ argv: [], cwd: "/", env: {} }), /argv is empty/);
});

test("the init mounts what kernel tests rely on and reports the failing step", () => {
  const s = stage1Script();
  for (const fs of ["securityfs", "bpf", "cgroup2", "overlay", "9p", "tmpfs"])
    assert.match(s, new RegExp(`-t ${fs} `));
  assert.match(s, /\/sys\/fs\/bpf/);
  assert.match(s, /ip link set lo up/);
  assert.match(s, /fail\(\) \{ echo "proofwall-init: failed: \$1"/);
  assert.match(stage2Script(), /poweroff -f/);
});

test("both init stages are valid shell", () => {
  execFileSync("sh", ["-n", "-c", stage1Script()]);
  execFileSync("sh", ["-n", "-c", stage2Script()]);
});

test("a cwd under the host's /tmp is re-exposed over the guest's tmpfs /tmp", async () => {
  const { exposeHostTmp, GUEST_HOST_DIR } = await import("./guest-init.js");
  assert.deepEqual(exposeHostTmp("/srv/checkout"), []);
  const [line] = exposeHostTmp("/tmp/ci/main");
  assert.ok(line?.includes(`mount --bind '${GUEST_HOST_DIR}/tmp/ci' '/tmp/ci'`), line);
  assert.ok(jobScript({ argv: ["true"], cwd: "/tmp/ci/main", env: {} }).startsWith(line ?? "-"));
});
