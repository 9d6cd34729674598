import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { chooseAccel, probeAccel, probeKernel } from "./accel.js";

test("the probe image carries a valid multiboot header", () => {
  const k = probeKernel();
  const [magic, flags, sum] = [k.readUInt32LE(0), k.readUInt32LE(4), k.readUInt32LE(8)];
  assert.equal(magic, 0x1badb002);
  assert.equal((magic + flags + sum) >>> 0, 0);
  assert.equal(k.readUInt32LE(28), 0x100000 + 32); // entry is the code right after the header
});

test("PROOFWALL_VM_ACCEL overrides detection", async () => {
  assert.equal(await chooseAccel({ PROOFWALL_VM_ACCEL: "tcg" }), "tcg");
  assert.equal(await chooseAccel({ PROOFWALL_VM_ACCEL: "kvm" }), "kvm");
});

test("the probe succeeds under TCG and fails for a kernel that never reaches the exit port", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pw-accel-"));
  const good = join(dir, "good.bin");
  writeFileSync(good, probeKernel());
  assert.equal(await probeAccel("tcg", good), true);
  const spin = probeKernel();
  spin.set([0xeb, 0xfe], 32); // jmp . : runs forever
  const bad = join(dir, "spin.bin");
  writeFileSync(bad, spin);
  assert.equal(await probeAccel("tcg", bad, 1500), false);
});
