import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { Policy } from "../policy/index.js";
import { fakeResolver } from "../policy/fake-resolver.js";
import { Daemon } from "./daemon.js";
import type { ApplyResult, Enforcer, PolicyMeta } from "./enforcer.js";
import { NoKernelEnforcer } from "./no-kernel-enforcer.js";
import { AgentMetrics } from "./metrics.js";
import type { ApplyOutcome } from "./apply-outcome.js";

const doc = (name: string, cap: string) => `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: ${name} }
spec:
  mode: enforce
  rules:
    - { id: r, action: deny, capabilities: [${cap}] }
`;

/** A NoKernelEnforcer whose compiler refuses policies named "too-big". */
class PickyEnforcer extends NoKernelEnforcer {
  override async apply(policy: Policy, meta: PolicyMeta): Promise<ApplyResult> {
    if (policy.name !== "too-big") return super.apply(policy, meta);
    const s = this.status().state;
    const current = s.kind === "enforcing" ? s.policy : null;
    return {
      kind: "rejected",
      stage: "capacity",
      reason: "compile files: 70000 inodes exceed max 65536",
      current,
    };
  }
}

function setup(enforcer: Enforcer = new PickyEnforcer()) {
  const dir = mkdtempSync(join(tmpdir(), "pw-daemon-"));
  const file = join(dir, "p.yaml");
  const outcomes: ApplyOutcome[] = [];
  const metrics = new AgentMetrics();
  const daemon = new Daemon({
    enforcer,
    resolver: () => fakeResolver({}),
    log: pino({ level: "silent" }),
    stateDir: join(dir, "state"),
    policyPath: file,
    onApply: (o) => {
      outcomes.push(o);
      metrics.observeApply(o);
    },
  });
  return {
    dir,
    file,
    daemon,
    outcomes,
    metrics,
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

test("applies, skips unchanged text, keeps the previous policy on check and engine rejections", async () => {
  const t = setup();
  try {
    writeFileSync(t.file, doc("one", "CAP_NET_RAW"));
    await t.daemon.start();
    assert.equal(t.daemon.policy()?.meta.generation, 1);
    assert.equal((await t.daemon.reload("sighup"))?.kind, "unchanged");
    const bad = await t.daemon.applyText([{ file: "x.yaml", text: doc("two", "CAP_NOPE") }]);
    assert.equal(bad.kind === "rejected" && bad.stage, "check");
    const big = await t.daemon.applyText([{ file: "x.yaml", text: doc("too-big", "CAP_NET_RAW") }]);
    assert.deepEqual(
      big.kind === "rejected" && [big.stage, big.problems, big.current?.generation],
      ["capacity", ["compile files: 70000 inodes exceed max 65536"], 1],
    );
    assert.equal(t.daemon.policy()?.meta.name, "one");
    const ok = await t.daemon.applyText([{ file: "x.yaml", text: doc("two", "CAP_SYS_ADMIN") }]);
    assert.equal(ok.kind === "applied" && ok.policy.generation, 2);
    assert.deepEqual(
      t.outcomes.map((o) => o.kind),
      ["applied", "unchanged", "rejected", "rejected", "applied"],
    );
    const m = await t.metrics.render(t.daemon.status());
    assert.match(m, /^proofwall_applies_total\{result="rejected",stage="capacity"\} 1$/m);
    assert.match(m, /^proofwall_applies_total\{result="applied",stage="-"\} 2$/m);
    assert.match(m, /^proofwall_apply_duration_seconds_count 2$/m);
    assert.match(m, /^proofwall_policy_generation 2$/m);
  } finally {
    t.done();
  }
});

test("applies run one at a time in arrival order; generations survive a restart", async () => {
  const t = setup();
  try {
    writeFileSync(t.file, doc("one", "CAP_NET_RAW"));
    await t.daemon.start();
    const caps = ["CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_MODULE", "CAP_NET_ADMIN"];
    const results = await Promise.all(
      caps.map((c, i) => t.daemon.applyText([{ file: "x", text: doc(`n${i}`, c) }])),
    );
    assert.deepEqual(
      results.map((r) => r.kind === "applied" && r.policy.generation),
      [2, 3, 4, 5],
    );
    assert.equal(t.daemon.policy()?.meta.name, "n3");
    const again = new Daemon({
      enforcer: new NoKernelEnforcer(),
      resolver: () => fakeResolver({}),
      log: pino({ level: "silent" }),
      stateDir: join(t.dir, "state"),
      policyPath: t.file,
    });
    await again.start();
    assert.equal(again.policy()?.meta.generation, 6);
  } finally {
    t.done();
  }
});

test("a missing policy path is rejected at read and nothing is in force", async () => {
  const t = setup();
  try {
    await t.daemon.start();
    const last = t.daemon.status().lastApply;
    assert.equal(last?.kind === "rejected" && last.stage, "read");
    assert.match(
      last?.kind === "rejected" ? (last.problems[0] ?? "") : "",
      /^read policy .*p\.yaml: ENOENT$/,
    );
    assert.equal(t.daemon.status().enforcer.state.kind, "idle");
  } finally {
    t.done();
  }
});

const forUser = (name: string, user: string) => `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: ${name} }
spec:
  mode: enforce
  rules:
    - { id: r, action: deny, subjects: [{ user: ${user} }], capabilities: [CAP_NET_RAW] }
`;

/** A daemon over a world whose users the test adds; `sealed` refuses unsigned changes. */
function withUsers(users: Record<string, number>, sealed = () => false) {
  const t = setup();
  const daemon = new Daemon({
    enforcer: new NoKernelEnforcer(),
    resolver: () => fakeResolver({ users: { ...users } }),
    log: pino({ level: "silent" }),
    stateDir: join(t.dir, "state"),
    policyPath: t.file,
    onApply: (o) => t.outcomes.push(o),
    admit: (trigger) => (sealed() && trigger !== "identity" ? "sealed" : null),
  });
  const name = () => daemon.policy()?.meta.name ?? null;
  return { ...t, daemon, name };
}

test("a policy file naming a user added later applies at the re-resolve after the user appears", async () => {
  const users: Record<string, number> = {};
  const t = withUsers(users);
  try {
    writeFileSync(t.file, forUser("late", "newcomer"));
    await t.daemon.start();
    const first = t.daemon.status().lastApply;
    assert.equal(first?.kind === "rejected" && first.stage, "check");
    assert.match(first?.kind === "rejected" ? (first.problems[0] ?? "") : "", /no such user/);
    const retry = await t.daemon.refreshIdentities();
    assert.equal(retry?.kind, "rejected");
    assert.equal(t.outcomes.length, 1, "a retry that fails again is not recorded");
    users["newcomer"] = 1500;
    const applied = await t.daemon.refreshIdentities();
    assert.deepEqual(applied?.kind === "applied" && [applied.trigger, applied.policy.generation], [
      "identity",
      1,
    ]);
    assert.equal(t.name(), "late");
    assert.equal((await t.daemon.refreshIdentities())?.kind, "unchanged");
  } finally {
    t.done();
  }
});

test("the retried text is the file's latest: a reverted edit or a control apply replaces it", async () => {
  const users: Record<string, number> = { root: 0 };
  const t = withUsers(users);
  try {
    writeFileSync(t.file, forUser("one", "root"));
    await t.daemon.start();
    writeFileSync(t.file, forUser("edit", "later1"));
    assert.equal((await t.daemon.reload("file-change"))?.kind, "rejected");
    writeFileSync(t.file, forUser("one", "root"));
    assert.equal((await t.daemon.reload("file-change"))?.kind, "unchanged");
    users["later1"] = 1501;
    await t.daemon.refreshIdentities();
    assert.equal(t.name(), "one", "the reverted edit is not applied");

    writeFileSync(t.file, forUser("edit", "later2"));
    assert.equal((await t.daemon.reload("sighup"))?.kind, "rejected");
    const sent = await t.daemon.applyText([{ file: "x.yaml", text: forUser("sent", "root") }]);
    assert.equal(sent.kind, "applied");
    users["later2"] = 1502;
    await t.daemon.refreshIdentities();
    assert.equal(t.name(), "sent", "a control apply is not replaced by the file");
  } finally {
    t.done();
  }
});

test("a sealed agent does not retry file text that failed its check before the seal", async () => {
  const users: Record<string, number> = {};
  let sealed = false;
  const t = withUsers(users, () => sealed);
  try {
    writeFileSync(t.file, forUser("late", "newcomer"));
    await t.daemon.start();
    sealed = true;
    users["newcomer"] = 1500;
    assert.equal(await t.daemon.refreshIdentities(), null);
    assert.equal(t.name(), null);
  } finally {
    t.done();
  }
});

test("seal switches: prepared before each switch, settled after it, and a refusal rejects", async () => {
  const calls: string[] = [];
  let refuse = false;
  const enforcer = new PickyEnforcer();
  const daemon = new Daemon({
    enforcer,
    resolver: () => fakeResolver({}),
    log: pino({ level: "silent" }),
    stateDir: mkdtempSync(join(tmpdir(), "pw-daemon-")),
    policyPath: null,
    sealSwitches: {
      prepare: (next) => {
        calls.push(`prepare ${(next.sealAllow ?? ["-"]).join(",")}`);
        return refuse ? "seal switches: refused" : null;
      },
      settle: (applied) => void calls.push(`settle ${applied}`),
    },
  });
  await daemon.start();
  const relax = "  selfProtection: { allow: [modules] }\n";
  const text = (name: string) => doc(name, "CAP_NET_RAW").replace("  rules:", `${relax}  rules:`);
  assert.equal((await daemon.applyText([{ file: "a", text: text("one") }])).kind, "applied");
  assert.equal((await daemon.applyText([{ file: "a", text: text("too-big") }])).kind, "rejected");
  refuse = true;
  const r = await daemon.applyText([{ file: "a", text: doc("two", "CAP_NET_RAW") }]);
  assert.deepEqual(r.kind === "rejected" && [r.stage, r.problems], [
    "kernel",
    ["seal switches: refused"],
  ]);
  assert.equal(daemon.policy()?.meta.name, "one");
  assert.deepEqual(calls, [
    "prepare modules",
    "settle true",
    "prepare modules",
    "settle false",
    "prepare -",
  ]);
});
