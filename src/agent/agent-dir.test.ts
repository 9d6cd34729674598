// --policy <directory>: the *.yaml files merged in name order, reloaded when
// one changes or a new one appears.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DaemonStatus } from "./daemon.js";
import { AgentHarness, eventually } from "./agent-harness.js";

const doc = (name: string, rules: string) => `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: ${name} }
spec:
  mode: enforce
  rules:
${rules}`;

test("a policy directory is merged in name order and reloaded on change", async () => {
  const h = new AgentHarness("unused");
  const dir = join(h.dir, "policy.d");
  mkdirSync(dir);
  writeFileSync(
    join(dir, "20-net.yaml"),
    doc("net", "    - { id: meta, action: deny, network: { cloudMetadata: true } }"),
  );
  writeFileSync(
    join(dir, "10-caps.yaml"),
    doc("caps", "    - { id: raw, action: deny, capabilities: [CAP_NET_RAW] }"),
  );
  writeFileSync(join(dir, "README.md"), "not a policy");
  const status = () => JSON.parse(h.cli(["status", "--json"]).stdout) as DaemonStatus;
  const name = (s: DaemonStatus) =>
    s.enforcer.state.kind === "enforcing" ? s.enforcer.state.policy.name : "";
  try {
    await h.start(["--policy", dir, "--debounce", "100"]);
    assert.equal(name(status()), "caps+net");
    const explained = h.cli(["explain", "--connect", "169.254.169.254:80", "--json"]);
    assert.equal(
      (JSON.parse(explained.stdout) as { decision: { ruleId: string } }).decision.ruleId,
      "meta",
    );

    writeFileSync(
      join(dir, "30-more.yaml"),
      doc("more", "    - { id: mod, action: deny, moduleLoad: true }"),
    );
    const s = await eventually(() => {
      const st = status();
      return name(st) === "caps+net+more" ? st : undefined;
    });
    assert.equal(s.lastApply?.trigger, "file-change");

    // Same rule id in two files: rejected, the three-file policy stays.
    writeFileSync(
      join(dir, "40-dup.yaml"),
      doc("dup", "    - { id: raw, action: allow, capabilities: [CAP_NET_RAW] }"),
    );
    const bad = await eventually(() => {
      const st = status();
      return st.lastApply?.kind === "rejected" ? st : undefined;
    });
    assert.equal(name(bad), "caps+net+more");
    assert.match(
      JSON.stringify(bad.lastApply),
      /40-dup\.yaml: error merge: rule id raw is already used in .*10-caps\.yaml/,
    );
  } finally {
    await h.stop();
  }
});
