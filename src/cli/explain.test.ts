import { test } from "node:test";
import assert from "node:assert/strict";
import { queryOf } from "./explain-options.js";
import { why } from "./explain.js";

test("queryOf: exactly one resource, subject fields only when given", () => {
  assert.deepEqual(queryOf({ user: "alice", exe: "/usr/bin/curl", connect: "10.0.0.5:443" }), {
    user: "alice",
    exe: "/usr/bin/curl",
    resource: { kind: "connect", target: "10.0.0.5:443", protocol: "tcp" },
  });
  assert.deepEqual(queryOf({ open: "/etc/shadow", write: true }), {
    resource: { kind: "open", path: "/etc/shadow", write: true },
  });
  assert.deepEqual(queryOf({ delete: "/x" }), {
    resource: { kind: "file-op", operation: "delete", path: "/x" },
  });
  assert.match(String(queryOf({ user: "alice" })), /exactly one resource option.*got 0/);
  assert.match(String(queryOf({ open: "/a", mount: true })), /got 2/);
  assert.match(String(queryOf({ ptrace: "peek" })), /expected read or attach/);
});

test("why: reads the rank tuple of rules and names the default", () => {
  assert.equal(
    why({
      action: "allow",
      ruleId: "web",
      reason: { kind: "rule", class: "network", rank: [8, 1, 0, 1, 0, 2, 0], auditMode: false },
    }),
    "rule web ranks highest among the matching network rules: resource a /8 block, ports given, any protocol, subject executable + user",
  );
  assert.equal(
    why({
      action: "audit",
      ruleId: "t",
      reason: { kind: "rule", class: "files", rank: [31, 0, 3, 0, 2], auditMode: true },
    }),
    "rule t ranks highest among the matching files rules: resource a tree 2 directories up, subject cgroup level 2 + everyone; audit mode reports this deny instead of enforcing it",
  );
  assert.equal(
    why({
      action: "deny",
      ruleId: null,
      reason: { kind: "default", class: "network", auditMode: false },
    }),
    "no network rule matches: the network default decides",
  );
});
