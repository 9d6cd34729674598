import assert from "node:assert/strict";
import { test } from "node:test";
import { requireTestVm, testVmProblem, TEST_VM_REFUSAL } from "./guard.js";

test("outside the VM the guard refuses with the stated reason", () => {
  assert.throws(
    () => requireTestVm({}, ["bpf"]),
    (e: unknown) => e instanceof Error && e.message.startsWith(TEST_VM_REFUSAL),
  );
  assert.match(
    testVmProblem({ PROOFWALL_IN_VM: "1" }, ["lockdown", "capability"]) ?? "",
    /active LSMs: lockdown,capability/,
  );
  assert.match(testVmProblem({ PROOFWALL_IN_VM: "1" }, []) ?? "", /active LSMs: unknown/);
});

test("inside the VM the guard passes", () => {
  assert.equal(testVmProblem({ PROOFWALL_IN_VM: "1" }, ["lockdown", "bpf"]), undefined);
  requireTestVm({ PROOFWALL_IN_VM: "1" }, ["bpf"]);
});
