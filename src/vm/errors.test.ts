import assert from "node:assert/strict";
import { test } from "node:test";
import { isVmError, logTail, VmError } from "./errors.js";

test("a VmError carries its kind and appends the kernel log tail to the message", () => {
  const e = new VmError("timeout", "run: timed out", "line 1\nline 2");
  assert.equal(e.kind, "timeout");
  assert.ok(isVmError(e));
  assert.match(e.message, /^run: timed out\n--- kernel log \(tail\) ---\nline 1\nline 2$/);
  assert.equal(isVmError(new Error("x")), false);
});

test("logTail keeps the last lines and drops carriage returns", () => {
  assert.equal(logTail("a\r\nb\r\nc\r\n", 2), "b\nc");
});

test("an empty kernel log is said to be empty, with where the log is", () => {
  const e = new VmError("timeout", "run: timed out", "", "/x/last-kernel.log");
  assert.equal(
    e.message,
    "run: timed out (the kernel printed nothing, full log in /x/last-kernel.log)",
  );
});
