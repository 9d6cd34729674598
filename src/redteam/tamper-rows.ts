// Tampering as root: going after the agent and its kernel objects instead of
// the data. Most of these hold only once the agent is sealed (the seal, the
// bpf() guards and signed policy changes of src/protect/); an unsealed run
// lists them as pending and never runs them, because each would succeed and
// take the rest of the suite down with it. The sealed agent reports each
// refusal of bpf/self_protect/ as an event with the hook named as in
// src/protect/records.ts (ProtectHookName) and no rule.
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI } from "../agent/agent-harness.js";
import { bpfObjectPath } from "../paths.js";
import type { ProtectHookName } from "../protect/records.js";
import { scripted, expectEvent, type Attempt, type Row } from "./attempt.js";
import { KEY, attemptProgram } from "./world.js";

const BPFTOOL = "/usr/sbin/bpftool";
const CAT = "/usr/bin/cat";

const tamper = (hook: ProtectHookName) => [{ hook, rule: null }] as const;
const succeeded = (r: { status: number | null }) => r.status === 0;

const row = (channel: string, needsSeal: boolean, attempts: readonly Attempt[]): Row => ({
  group: "tamper",
  channel,
  needsSeal,
  attempts,
});

const firstLinkPin = (pinRoot: string) => {
  const dir = join(pinRoot, "enforce", "links");
  const name = readdirSync(dir).sort()[0];
  if (name === undefined) throw new Error(`no link pinned under ${dir}`);
  return join(dir, name);
};

/**
 * Enforcement without the agent. A sealed agent cannot be killed (the next
 * row), so the operator lifts the seal with a signed request first: what is
 * tested is that the pinned links and maps go on enforcing once the agent is
 * dead, whoever killed it.
 */
const readWhileAgentDead: Attempt = {
  name: "read the key after kill -9 of the agent",
  expect: expectEvent("file-open", "vault-key"),
  async run(ctx) {
    if (ctx.agent.sealed) ctx.agent.unseal();
    await ctx.agent.kill9();
    const r = await ctx.attacker(`${CAT} ${KEY}`);
    // Only a running agent reports: the event waits in the pinned ring buffer.
    await ctx.agent.restart();
    return r;
  },
};

const UNSIGNED_POLICY = `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: attacker }
spec:
  mode: enforce
  rules: []
`;

const editPolicyFile: Attempt = {
  name: "rewrite the policy file without a signature",
  expect: expectEvent("file-open", "vault-key"),
  async run(ctx) {
    writeFileSync(ctx.agent.policyFile, UNSIGNED_POLICY);
    await new Promise((r) => setTimeout(r, 5000)); // longer than the agent's debounce
    return ctx.attacker(`${CAT} ${KEY}`);
  },
};

/**
 * The operator applies the suite's policy signed as version 2; the attacker
 * then replays a captured version 1, a validly signed open policy, and reads
 * the key. Only the version is old.
 */
const replayOldPolicy: Attempt = {
  name: "apply an older signed policy",
  expect: expectEvent("file-open", "vault-key"),
  async run(ctx) {
    const captured = ctx.agent.signPolicy(UNSIGNED_POLICY, 1);
    ctx.agent.operator(["apply", "--signed", ctx.agent.signPolicy(ctx.agent.policyText, 2)]);
    const apply = `${process.execPath} ${CLI} apply --signed ${captured} --control ${ctx.agent.control}`;
    return ctx.attacker(`${apply}; ${CAT} ${KEY}`);
  },
};

export const TAMPER_ROWS: readonly Row[] = [
  row("kill -9 of the agent", false, [readWhileAgentDead]),
  row("ptrace of the agent", false, [
    // Today the policy's ptrace rule refuses this; sealed, self-protection
    // refuses it whatever the policy says (whichever program runs first logs).
    scripted(
      "PTRACE_ATTACH to the agent",
      [...expectEvent("ptrace", "ptrace-attach"), ...tamper("ptrace")],
      (c) => `${attemptProgram("peek")} attach ${c.agent.pid} 0 8`,
    ),
    scripted(
      "read /proc/<agent>/mem",
      [...expectEvent("ptrace", "ptrace-attach"), ...tamper("ptrace")],
      (c) => `${attemptProgram("peek")} procmem ${c.agent.pid} 0 8`,
    ),
  ]),
  row("kill -9 refused", true, [
    scripted(
      "kill -9 the agent",
      tamper("taskKill"),
      (c) => `/usr/bin/kill -9 ${c.agent.pid}`,
      succeeded,
    ),
  ]),
  row("bpftool detach", true, [
    scripted(
      "bpftool link detach pinned",
      tamper("inodePermission"),
      (c) => `${BPFTOOL} link detach pinned ${firstLinkPin(c.agent.pinRoot)}`,
      succeeded,
    ),
  ]),
  row("bpftool unpin", true, [
    scripted(
      "rm a pinned link",
      tamper("inodeUnlink"),
      (c) => `/usr/bin/rm ${firstLinkPin(c.agent.pinRoot)}`,
      succeeded,
    ),
  ]),
  row("bpftool map update", true, [
    scripted(
      "switch pw_control to the empty generation",
      tamper("inodePermission"),
      (c) =>
        `${BPFTOOL} map update pinned ${join(c.agent.pinRoot, "enforce", "maps", "pw_control")} key hex 00 00 00 00 value hex 07 00 00 00`,
      succeeded,
    ),
  ]),
  row("competing LSM program", true, [
    scripted(
      "bpftool prog load an LSM object",
      tamper("bpf"),
      // Loading is what the seal refuses; attaching would come after.
      () => `${BPFTOOL} prog load ${bpfObjectPath("file_guard")} /sys/fs/bpf/pw-rival`,
      succeeded,
    ),
  ]),
  row("unsigned policy edit", true, [editPolicyFile]),
  row("unmount bpffs", true, [
    scripted(
      "umount /sys/fs/bpf",
      tamper("sbUmount"),
      () => "/usr/bin/umount /sys/fs/bpf",
      succeeded,
    ),
    scripted(
      "umount -l /sys/fs/bpf",
      tamper("sbUmount"),
      () => "/usr/bin/umount -l /sys/fs/bpf",
      succeeded,
    ),
  ]),
  row("replayed signed policy", true, [replayOldPolicy]),
];
