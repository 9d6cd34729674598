// The agent as operators run it (no kernel): a real process, the real CLI,
// a real policy file. Apply, reject, reload, status, peer checks, exit codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ask } from "./control-client.js";
import { AgentHarness, eventually, generation, status } from "./agent-harness.js";

const policy = (name: string, rules: string, mode = "enforce") => `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: ${name} }
spec:
  mode: ${mode}
  defaults: { network: deny }
  rules:
${rules}`;

const NET = "    - { id: web, action: allow, network: { cidrs: [10.0.0.0/8], ports: [443] } }";
const CAP = "    - { id: no-raw, action: deny, capabilities: [CAP_NET_RAW] }";
const sha = (t: string) => createHash("sha256").update(t).digest("hex");

test("status, apply (good, broken), SIGHUP, uninstall", async () => {
  const first = policy("first", NET);
  const h = new AgentHarness(first);
  try {
    await h.start(["--debounce", "600000"]); // keep the watcher out of this test
    const s1 = status(h);
    assert.equal(s1.enforcer.kind, "no-kernel");
    assert.deepEqual(s1.enforcer.state, {
      kind: "enforcing",
      policy: { name: "first", hash: sha(first), generation: 1 },
      mode: "enforce",
    });
    assert.equal(s1.policyPath, h.policyFile);
    assert.equal(s1.lastApply?.kind, "applied");
    assert.match(
      h.cli(["status"]).stdout,
      /policy: +first\ngeneration: +1\nhash: +sha256:[0-9a-f]{64}\nmode: +enforce/,
    );

    const second = join(h.dir, "second.yaml");
    writeFileSync(second, policy("second", `${NET}\n${CAP}`, "audit"));
    const applied = h.cli(["apply", second]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /^applied: second generation 2 /m);
    const s2 = status(h);
    assert.equal(generation(s2), 2);
    assert.equal(s2.enforcer.state.kind === "enforcing" && s2.enforcer.state.mode, "audit");

    // Invalid here: rejected before sending, exit 1, the agent never hears of it.
    const broken = join(h.dir, "broken.yaml");
    writeFileSync(broken, policy("broken", NET.replace("allow", "permit")));
    const rejected = h.cli(["apply", broken]);
    assert.equal(rejected.code, 1);
    assert.match(
      rejected.stdout,
      /broken\.yaml:8:\d+: error invalid-value: spec\.rules\[0\]\.action/,
    );
    assert.equal(generation(status(h)), 2);

    // Broken text that reaches the agent anyway: rejected there, previous stays.
    const x = await ask(h.socket, { op: "apply", files: [{ file: "sent.yaml", text: "spec: [" }] });
    assert.ok(x.kind === "answered" && x.answer.ok);
    const outcome = x.answer["outcome"] as {
      kind: string;
      stage: string;
      problems: string[];
      current: { generation: number };
    };
    assert.equal(outcome.kind, "rejected");
    assert.equal(outcome.stage, "check");
    assert.match(outcome.problems[0] ?? "", /^sent\.yaml:1:\d+: error yaml-syntax/);
    assert.equal(outcome.current.generation, 2);
    const s3 = status(h);
    assert.equal(generation(s3), 2);
    assert.equal(s3.lastApply?.kind, "rejected");
    assert.match(
      h.cli(["status"]).stdout,
      /stage check; previous policy stays in force\n {2}sent\.yaml:1/,
    );
    await eventually(() =>
      h.logs.some((l) => l.includes('"level":50') && l.includes("apply rejected at check"))
        ? true
        : undefined,
    );

    // SIGHUP re-reads --policy (the first file) and applies it as generation 3.
    h.signal("SIGHUP");
    const s4 = await eventually(() => {
      const s = status(h);
      return s.lastApply?.trigger === "sighup" ? s : undefined;
    });
    assert.equal(generation(s4), 3);
    assert.equal(s4.enforcer.state.kind === "enforcing" && s4.enforcer.state.policy.name, "first");

    const u = h.cli(["uninstall"]);
    assert.equal(u.code, 0, u.stderr);
    assert.equal(await h.exited(), 10);
    assert.equal(existsSync(h.socket), false);
    assert.deepEqual(JSON.parse(readFileSync(join(h.dir, "state", "state.json"), "utf8")), {
      generation: 3,
    });
  } finally {
    await h.stop();
  }
});

test("a policy file change reloads after the debounce; a broken edit keeps the previous policy", async () => {
  const h = new AgentHarness(policy("watched", NET));
  try {
    await h.start(["--debounce", "100"]);
    writeFileSync(h.policyFile, policy("watched", `${NET}\n${CAP}`));
    const s = await eventually(() => {
      const st = status(h);
      return generation(st) === 2 ? st : undefined;
    });
    assert.equal(s.lastApply?.trigger, "file-change");
    writeFileSync(h.policyFile, policy("watched", CAP.replace("CAP_NET_RAW", "CAP_NOPE")));
    const bad = await eventually(() => {
      const st = status(h);
      return st.lastApply?.kind === "rejected" ? st : undefined;
    });
    assert.equal(generation(bad), 2);
    assert.equal(bad.lastApply?.kind === "rejected" && bad.lastApply.trigger, "file-change");
    assert.match(JSON.stringify(bad.lastApply), /unknown-capability/);
    h.signal("SIGTERM");
    assert.equal(await h.exited(), 0);
    assert.equal(existsSync(h.socket), false);
  } finally {
    await h.stop();
  }
});

test("only root talks to the agent: 0600 socket, and SO_PEERCRED if the mode is loosened", async () => {
  const h = new AgentHarness(policy("peer", NET));
  try {
    await h.start();
    assert.equal(
      readFileSync("/proc/self/status", "utf8").match(/^Uid:\s+0/m) !== null,
      true,
      "tests run as root",
    );
    const denied = h.cli(["status"], { uid: 65534 });
    assert.equal(denied.code, 2);
    assert.match(denied.stderr, /EACCES/);
    chmodSync(h.socket, 0o666);
    const refused = h.cli(["status"], { uid: 65534 });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /control: permission denied: uid 65534 is not root/);
    // spawnSync held this process's event loop: the agent's log arrives now.
    await eventually(() =>
      h.logs.some((l) => l.includes("refused a non-root client") && l.includes('"uid":65534'))
        ? true
        : undefined,
    );
    assert.equal(h.cli(["status"]).code, 0);
  } finally {
    await h.stop();
  }
});

test("exit codes: unreachable agent and usage errors are 2", async () => {
  const h = new AgentHarness(policy("codes", NET));
  try {
    const gone = join(h.dir, "nobody-home.sock");
    const r = h.cli(["apply", h.policyFile, "--control", gone], { control: false });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ENOENT/);
    assert.equal(h.cli(["status", "--control", gone], { control: false }).code, 2);
    assert.equal(h.cli(["apply"]).code, 2);
    assert.equal(h.cli(["apply", join(h.dir, "missing.yaml")]).code, 2);
    const noResource = h.cli(["explain", "--user", "root"]);
    assert.equal(noResource.code, 2);
    assert.match(noResource.stderr, /exactly one resource option/);
  } finally {
    await h.stop();
  }
});
