import { test } from "node:test";
import assert from "node:assert/strict";
import type { TamperEvent } from "../protect/records.js";
import { tamperDecision } from "./tamper-event.js";

const kill: TamperEvent = {
  tsNs: 5n,
  target: 4242n,
  pid: 100,
  tgid: 99,
  uid: 0,
  hook: "taskKill",
  detail: 9,
  comm: "kill",
  cgroupId: 77n,
};

test("a refused kill is a deny event of hook taskKill, with no rule, by the caller's process and cgroup", () => {
  assert.deepEqual(tamperDecision(kill, 1000), {
    time: 1000,
    hook: "taskKill",
    action: "deny",
    ruleId: null,
    generation: 0,
    pid: 99,
    uid: 0,
    comm: "kill",
    exe: null,
    cgroupId: 77n,
    resource: { kind: "other", detail: "signal 9 to the agent (4242)" },
  });
  const odd = tamperDecision({ ...kill, hook: "unknown(99)" }, 1);
  assert.deepEqual(odd.resource, { kind: "other", detail: "target 4242 detail 9" });
});
