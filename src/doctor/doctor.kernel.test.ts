// In the test VM (BPF LSM active) doctor must find nothing wrong.
import { test } from "node:test";
import assert from "node:assert/strict";
import { requireTestVm } from "../vm/guard.js";
import { runChecks } from "./checks.js";
import { judge, renderReport } from "./report.js";
import { thisMachine } from "./system.js";

requireTestVm();

test("doctor says the test VM can enforce", () => {
  const report = judge(runChecks(thisMachine));
  assert.equal(report.canEnforce, true, renderReport(report));
  const byName = new Map(report.checks.map((c) => [c.name, c]));
  assert.equal(byName.get("BPF LSM active")?.status, "ok");
  assert.match(byName.get("BPF LSM active")?.detail ?? "", /bpf/);
  assert.equal(byName.get("kernel accepts an LSM program")?.status, "ok");
  assert.equal(byName.get("kernel BTF")?.status, "ok");
  // Debian's 6.1 kernel is built with CONFIG_SECURITY_PATH.
  assert.equal(byName.get("path_* LSM hooks")?.status, "ok");
});
