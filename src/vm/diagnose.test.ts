import assert from "node:assert/strict";
import { test } from "node:test";
import { diagnoseBootFailure } from "./diagnose.js";

const base = { console: "", qemuStderr: "", qemuExit: 0, started: false };

test("a failed init step is named", () => {
  const console =
    "proofwall-init: load modules\nproofwall-init: mount root\nproofwall-init: failed: mount host root over 9p\n";
  assert.equal(
    diagnoseBootFailure({ ...base, console }),
    'boot: init step "mount host root over 9p" failed',
  );
});

test("a kernel panic is quoted", () => {
  const console =
    "[ 1.0] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100\r\n";
  assert.match(
    diagnoseBootFailure({ ...base, console }),
    /^boot: kernel panic: Attempted to kill init!/,
  );
});

test("the last step reached is named when the guest just stops", () => {
  assert.equal(
    diagnoseBootFailure({ ...base, console: "proofwall-init: load modules\n" }),
    'boot: the guest stopped during init step "load modules"',
  );
});

test("qemu's own error is passed on, without its warnings", () => {
  const qemuStderr =
    "qemu-system-x86_64: warning: x\nqemu-system-x86_64: linux kernel too old to load a ram disk\n";
  assert.equal(
    diagnoseBootFailure({ ...base, qemuStderr, qemuExit: 1 }),
    "boot: qemu exited with code 1: qemu-system-x86_64: linux kernel too old to load a ram disk",
  );
});

test("a guest that started the command but reported nothing says so", () => {
  assert.match(
    diagnoseBootFailure({ ...base, started: true }),
    /^run: the guest stopped after starting the command/,
  );
});

test("qemu dying of a signal is said so", () => {
  const qemuStderr = "qemu-system-x86_64: kvm.c:3183: kvm_buf_set_msrs: Assertion failed.\n";
  assert.match(
    diagnoseBootFailure({ ...base, qemuStderr, qemuExit: null, qemuSignal: "SIGABRT" }),
    /^boot: qemu was killed by SIGABRT: /,
  );
});
