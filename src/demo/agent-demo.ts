// The main demo, narrated: the real agent with a policy file protects a
// directory of secrets (one program may still read them), reports and
// explains its denials, takes a new policy at runtime, keeps enforcing after
// kill -9, is adopted by a restarted agent, and uninstalls.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AgentHarness } from "../agent/agent-harness.js";

type Say = (line: string) => void;

// Absolute paths: a shell with built-in applets (busybox, in the test VM)
// would otherwise run its own sha256sum, a different executable.
const SHA256SUM = "/usr/bin/sha256sum";
const CAT = "/usr/bin/cat";

const exception = (secrets: string) => `    - id: secrets-for-sha256sum
      action: allow
      subjects: [{ executable: ${SHA256SUM} }]
      files: { paths: [${secrets}/], operations: [read] }
`;
const policy = (secrets: string, withException = true) => `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: demo-secrets }
spec:
  mode: enforce
  rules:
    - id: secrets
      action: deny
      files: { paths: [${secrets}/], operations: [read, write, delete, rename, link] }
${withException ? exception(secrets) : ""}`;

class Steps {
  failed = 0;
  constructor(private readonly say: Say) {}

  /** Runs `script`; `expect` says whether it should succeed. */
  attempt(what: string, script: string, expect: "allowed" | "denied"): void {
    const r = spawnSync("sh", ["-c", script], { encoding: "utf8" });
    const got =
      r.status === 0 ? "allowed" : /Operation not permitted/.test(r.stderr) ? "denied" : "failed";
    const mark = got === expect ? "ok " : "BAD";
    if (got !== expect) this.failed++;
    this.say(`  ${mark} ${what}: ${got}${got === "allowed" ? "" : ` (${r.stderr.trim()})`}`);
  }

  check(what: string, ok: boolean): void {
    if (!ok) this.failed++;
    this.say(`  ${ok ? "ok " : "BAD"} ${what}`);
  }

  show(title: string, text: string): void {
    this.say(`  $ proofwall ${title}`);
    for (const l of text.trim().split("\n")) this.say(`    ${l}`);
  }
}

/** Runs the demo in this kernel; resolves true when every step behaved as promised. */
export async function runAgentDemo(say: Say): Promise<boolean> {
  const dir = mkdtempSync("/tmp/proofwall-demo-");
  chmodSync(dir, 0o755);
  const secrets = join(dir, "secrets");
  mkdirSync(secrets, { mode: 0o755 });
  const key = join(secrets, "id_ed25519");
  writeFileSync(key, "-----BEGIN OPENSSH PRIVATE KEY-----\n", { mode: 0o644 });
  const steps = new Steps(say);
  const agent = new AgentHarness(policy(secrets), {
    kernel: true,
    pinRoot: "/sys/fs/bpf/proofwall-demo",
  });
  try {
    say(`starting the agent: policy ${agent.policyFile} protects ${secrets}/`);
    await agent.start(["--resolve-interval", "0"]);
    steps.attempt(`cat ${key}`, `${CAT} ${key}`, "denied");
    steps.attempt(`sha256sum ${key} (the allowed program)`, `${SHA256SUM} ${key}`, "allowed");
    steps.attempt(`cp ${key} /tmp`, `cp ${key} ${dir}/stolen`, "denied");
    steps.attempt(`rm ${key}`, `rm -f ${key}`, "denied");
    steps.show("events", agent.cli(["events"]).stdout);
    steps.show(
      `explain --open ${key} --exe ${CAT}`,
      agent.cli(["explain", "--open", key, "--exe", CAT]).stdout,
    );
    steps.show("status", agent.cli(["status"]).stdout);

    say("a new policy at runtime (proofwall apply): the allowed program is gone");
    const next = join(dir, "next.yaml");
    writeFileSync(next, policy(secrets, false));
    steps.check("apply succeeded", agent.cli(["apply", next]).code === 0);
    steps.attempt(`sha256sum ${key}`, `${SHA256SUM} ${key}`, "denied");

    say("kill -9 the agent: the pinned programs and maps keep enforcing");
    agent.signal("SIGKILL");
    await agent.exited();
    steps.attempt(`cat ${key}`, `${CAT} ${key}`, "denied");
    say("restart it: it adopts the pins instead of attaching again");
    writeFileSync(agent.policyFile, policy(secrets));
    await agent.start(["--resolve-interval", "0"]);
    steps.check(
      "adopted",
      agent.logs.some((l) => l.includes("adopted pinned enforcement")),
    );
    steps.attempt(`sha256sum ${key}`, `${SHA256SUM} ${key}`, "allowed");

    say("proofwall uninstall: everything is removed");
    steps.check(
      "uninstalled",
      agent.cli(["uninstall"]).code === 0 && (await agent.exited()) === 10,
    );
    steps.attempt(`cat ${key}`, `${CAT} ${key}`, "allowed");
    return steps.failed === 0;
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
