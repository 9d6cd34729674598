// Events of the process hooks as the agent reports them.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { PwDecision } from "../abi/decision.js";
import { decisionEvent } from "./decision-event.js";

const base: PwDecision = {
  tsNs: 1n,
  cgroupId: 7n,
  file: { dev: 0, ino: 0n },
  exe: { dev: 1, ino: 2n },
  pid: 10,
  tgid: 10,
  uid: 0,
  loginuid: 0,
  hook: "capable",
  outcome: "deny",
  rule: 0,
  op: 13,
  suppressed: 0,
  gen: 0,
  comm: "ping",
  net: { family: 0, protocol: 0, addr: "", port: 0 },
};
const slots = {
  ruleId: (_s: number, r: number | null) => (r === null ? null : `r${r}`),
  generation: () => 1,
};

test("a capability decision names the capability", () => {
  const e = decisionEvent(base, slots);
  assert.equal(e?.hook, "capability");
  assert.deepEqual(e?.resource, { kind: "other", detail: "CAP_NET_RAW" });
  assert.equal(e?.ruleId, "r0");
});

test("ptrace names the mode and the target; exec names its file", () => {
  const ptrace = decisionEvent(
    { ...base, hook: "ptraceAccess", op: 1, file: { dev: 0, ino: 42n } },
    slots,
  );
  assert.deepEqual(ptrace?.resource, { kind: "other", detail: "attach pid 42" });
  const exec = decisionEvent(
    { ...base, hook: "bprmCheck", op: 0, file: { dev: 3, ino: 9n } },
    slots,
  );
  assert.equal(exec?.hook, "exec");
  assert.deepEqual(exec?.resource, { kind: "file", key: { dev: 3, ino: 9n }, path: null });
});

test("module loading and mounts map to their request kinds", () => {
  for (const hook of ["kernelReadFile", "kernelLoadData", "kernelModuleRequest"] as const)
    assert.equal(decisionEvent({ ...base, hook }, slots)?.hook, "module-load");
  assert.equal(decisionEvent({ ...base, hook: "moveMount" }, slots)?.hook, "mount");
});

test("anonymous memory made executable is an exec that names the way it was made so", () => {
  for (const [hook, detail] of [
    ["mmapFile", "anonymous memory mapped executable"],
    ["fileMprotect", "anonymous memory made executable"],
  ] as const) {
    const e = decisionEvent({ ...base, hook, op: 1 }, slots);
    assert.equal(e?.hook, "exec", hook);
    assert.deepEqual(e?.resource, { kind: "other", detail }, hook);
  }
});
