// Failure reporting with fake guests (fast), then real boots of the Debian kernel.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { probeKernel } from "./accel.js";
import { isVmError, type VmErrorKind } from "./errors.js";
import { execOk } from "./exec.js";
import { prepareVmImage } from "./image.js";
import { BUSYBOX } from "./initramfs.js";
import { runInVm } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "pw-run-test-"));

function failsWith(kind: VmErrorKind, message: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(isVmError(e), `expected a VmError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, message);
    return true;
  };
}

test("a bogus kernel is a boot failure that quotes qemu", async () => {
  const junk = join(dir, "junk");
  writeFileSync(junk, "not a kernel\n".repeat(100));
  await assert.rejects(
    runInVm({
      argv: ["true"],
      image: { kernel: junk, initrd: junk },
      accel: "tcg",
      timeoutMs: 20_000,
    }),
    failsWith("boot-failed", /^boot: qemu exited with code 1: .*kernel/),
  );
});

test("a guest that never finishes is killed at the timeout", async () => {
  const spin = probeKernel();
  spin.set([0xeb, 0xfe], 32); // jmp . forever
  const kernel = join(dir, "spin.bin");
  writeFileSync(kernel, spin);
  const t0 = Date.now();
  await assert.rejects(
    runInVm({ argv: ["true"], image: { kernel, initrd: kernel }, accel: "tcg", timeoutMs: 1500 }),
    failsWith("timeout", /^run: timed out after 1\.5s before the command started; qemu was killed/),
  );
  assert.ok(Date.now() - t0 < 10_000);
});

async function initrdWithInit(script: string): Promise<string> {
  const root = join(dir, "fake-initramfs");
  mkdirSync(join(root, "bin"), { recursive: true });
  copyFileSync(BUSYBOX, join(root, "bin", "busybox"));
  writeFileSync(join(root, "init"), script, { mode: 0o755 });
  const out = join(dir, "fake.cpio");
  await execOk("test cpio", "cpio", ["-o", "-H", "newc", "--quiet", "-O", out], {
    cwd: root,
    input: ".\n./bin\n./bin/busybox\n./init\n",
  });
  return out;
}

test("an init that exits at once is a boot failure citing the kernel panic", async () => {
  const { kernel } = await prepareVmImage();
  const initrd = await initrdWithInit(
    "#!/bin/busybox sh\necho proofwall-init: load modules\nexit 3\n",
  );
  await assert.rejects(
    runInVm({ argv: ["true"], image: { kernel, initrd }, accel: "tcg", timeoutMs: 120_000 }),
    failsWith(
      "boot-failed",
      /^boot: kernel panic: Attempted to kill init![^]*--- kernel log \(tail, full log in \S+last-kernel\.log\) ---\n/,
    ),
  );
});

test("a real boot runs the command as root in the caller's cwd, with separate streams and its exit code", async () => {
  const seen = { out: "", err: "" };
  const r = await runInVm({
    argv: ["sh", "-c", 'echo "out $(id -u) $(pwd) $PROOFWALL_IN_VM $EXTRA"; echo err >&2; exit 3'],
    cwd: "/usr/share",
    env: { EXTRA: "x y" },
    onStdout: (t) => (seen.out += t),
    onStderr: (t) => (seen.err += t),
  });
  assert.equal(r.exitCode, 3);
  assert.equal(r.stdout, "out 0 /usr/share 1 x y\n");
  assert.equal(r.stderr, "err\n");
  assert.deepEqual(seen, { out: r.stdout, err: r.stderr });
  assert.ok(r.bootMs > 0 && r.bootMs <= r.totalMs, `boot ${r.bootMs} total ${r.totalMs}`);
  assert.match(r.kernelLog, /Linux version 6\.1\./);
  assert.equal(readFileSync(r.kernelLogFile, "utf8"), r.kernelLog);
});
