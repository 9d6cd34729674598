import { test } from "node:test";
import assert from "node:assert/strict";
import { SwitchFollower, switchesInForce, tightestOf } from "./seal-switches.js";

const ALL = ["denyModules", "denyKexec", "lockdown"] as const;

test("in force: what --seal-allow leaves on, minus what the policy allows", () => {
  assert.deepEqual(switchesInForce(ALL), [...ALL]);
  assert.deepEqual(switchesInForce(ALL, []), [...ALL]);
  assert.deepEqual(switchesInForce(ALL, ["modules"]), ["denyKexec", "lockdown"]);
  assert.deepEqual(switchesInForce(ALL, ["lockdown", "kexec", "modules"]), []);
  // A policy never turns on what the flag left off.
  assert.deepEqual(switchesInForce(["denyKexec"], ["modules"]), ["denyKexec"]);
  assert.deepEqual(switchesInForce([], []), []);
  // The kernel's bit order, whatever order the inputs come in.
  assert.deepEqual(switchesInForce(["lockdown", "denyModules"], []), ["denyModules", "lockdown"]);
});

test("during an apply the tighter of both hold", () => {
  assert.deepEqual(tightestOf(["denyKexec"], ["denyModules"]), ["denyModules", "denyKexec"]);
  assert.deepEqual(tightestOf([], []), []);
  assert.deepEqual(tightestOf(["lockdown"], ["lockdown"]), ["lockdown"]);
});

test("the follower remembers the policy before the seal and writes only while attached", () => {
  const writes: string[][] = [];
  const f = new SwitchFollower(ALL);
  assert.equal(f.prepare({ sealAllow: ["modules"] }), null);
  f.settle(true);
  assert.deepEqual(f.inForce(), ["denyKexec", "lockdown"]);
  assert.equal(f.written, null);
  f.attach(f.inForce(), (s) => writes.push([...s]));
  // Tightening: the new switches are set before the policy switch.
  assert.equal(f.prepare({}), null);
  assert.deepEqual(writes, [[...ALL]]);
  f.settle(true);
  assert.deepEqual(writes, [[...ALL]]);
  // Relaxing: nothing before the switch, the new switches after it.
  assert.equal(f.prepare({ sealAllow: ["modules", "kexec"] }), null);
  assert.deepEqual(writes.length, 1);
  f.settle(true);
  assert.deepEqual(writes.at(-1), ["lockdown"]);
  assert.deepEqual(f.policyAllows, ["modules", "kexec"]);
  f.detach();
  f.prepare({});
  f.settle(true);
  assert.equal(writes.length, 2);
});

test("a failed apply leaves the old switches; a refused write fails the apply", () => {
  const writes: string[][] = [];
  const problems: string[] = [];
  const f = new SwitchFollower(ALL, (p) => problems.push(p));
  f.prepare({ sealAllow: ["modules"] });
  f.settle(true);
  f.attach(f.inForce(), (s) => writes.push([...s]));
  f.prepare({});
  assert.deepEqual(writes, [[...ALL]]);
  f.settle(false);
  assert.deepEqual(writes.at(-1), ["denyKexec", "lockdown"]);
  assert.deepEqual(f.written, ["denyKexec", "lockdown"]);
  assert.deepEqual(f.policyAllows, ["modules"]);
  const refusing = new SwitchFollower(ALL, (p) => problems.push(p));
  refusing.attach([...ALL], () => {
    throw new Error("update pw_seal: EPERM");
  });
  assert.equal(refusing.prepare({}), null); // nothing to change
  refusing.settle(true);
  refusing.attach(["denyKexec"], () => {
    throw new Error("update pw_seal: EPERM");
  });
  assert.equal(refusing.prepare({}), "seal switches: update pw_seal: EPERM");
  refusing.settle(false);
  assert.deepEqual(refusing.written, ["denyKexec"]);
  assert.deepEqual(problems, ["seal switches: update pw_seal: EPERM"]);
});
