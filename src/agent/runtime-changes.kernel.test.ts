// The agent keeping up with a changing machine, on the real kernel in the test
// VM: one real `proofwall agent` reloads its policy file on SIGHUP and on a
// file change, applies a policy naming a user that did not exist when it was
// written once that user is added, follows an executable replaced by a new
// inode, counts its decisions and applies at --metrics, and streams named
// events to `proofwall events --follow`. The tests run in order on that agent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  linkSync,
  mkdtempSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { denied, sh } from "../enforce/test-support.js";
import { AgentHarness, CLI, eventually, generation, status } from "./agent-harness.js";
import type { NamedEvent } from "./event-names.js";

requireTestVm();

/** Long enough that a SIGHUP right after a write is applied well before the watcher fires. */
const DEBOUNCE_MS = 15_000;
const RESOLVE_S = 2;
const METRICS = "127.0.0.1:9464";
const LATE_USER = "pwlate";
const NOBODY = 65534;

const dir = mkdtempSync("/tmp/pw-runtime-");
chmodSync(dir, 0o755);
const [a, b, c, d, e] = ["a", "b", "c", "d", "e"].map((n) => join(dir, n)) as [
  string,
  string,
  string,
  string,
  string,
];
for (const f of [a, b, c, d, e]) writeFileSync(f, "x\n", { mode: 0o644 });
/** A copy of cat that a rule names by path. */
const tool = join(dir, "tool");
const followers: ChildProcess[] = [];
let agent: AgentHarness;
let lateUid = -1;
let earlyFollower: { lines: string[] } = { lines: [] };

const policy = (name: string, rules: readonly string[]) => `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: ${name} }
spec:
  mode: enforce
  rules:
${rules.map((r) => `    - ${r}`).join("\n")}
`;
const denyRead = (id: string, path: string, subject = "") =>
  `{ id: ${id}, action: deny, ${subject}files: { paths: [${path}], operations: [read] } }`;

const V1 = policy("v1", [denyRead("v1-a", a)]);

before(async () => {
  copyFileSync("/usr/bin/cat", tool);
  chmodSync(tool, 0o755);
  agent = new AgentHarness(V1, { kernel: true, pinRoot: "/sys/fs/bpf/pw-runtime" });
  const debounce = String(DEBOUNCE_MS);
  const resolve = String(RESOLVE_S);
  await agent.start(["--debounce", debounce, "--resolve-interval", resolve, "--metrics", METRICS]);
});

after(async () => {
  for (const f of followers) f.kill();
  if (agent?.running) {
    const un = agent.cli(["uninstall"]);
    if (un.code === 0) await agent.exited();
  }
  await agent?.stop();
});

interface ApplyLog {
  readonly msg: string;
  readonly apply: {
    readonly kind: string;
    readonly trigger: string;
    readonly stage?: string;
    readonly problems?: readonly string[];
    readonly policy?: { readonly generation: number };
  };
}

/** The agent's log lines about applies, oldest first. */
function applyLogs(): ApplyLog[] {
  return agent.logs.flatMap((l) => {
    try {
      const entry = JSON.parse(l) as Partial<ApplyLog>;
      return entry.apply === undefined ? [] : [entry as ApplyLog];
    } catch {
      return []; // not a pino line
    }
  });
}

/** Waits for the agent to log an apply of `generation` from `trigger`. */
function appliedBy(trigger: string, gen: number, ms = 60_000): Promise<ApplyLog> {
  return eventually(
    () =>
      applyLogs().find(
        (l) =>
          l.apply.kind === "applied" &&
          l.apply.trigger === trigger &&
          l.apply.policy?.generation === gen,
      ),
    ms,
  );
}

/** `proofwall events --follow` as a child; `lines` grows as it prints. */
function follow(json: boolean): { lines: string[] } {
  const args = [CLI, "events", "--follow", "--control", agent.socket, ...(json ? ["--json"] : [])];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  followers.push(child);
  const out = { lines: [] as string[] };
  let partial = "";
  child.stdout.on("data", (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split("\n");
    partial = parts.pop() ?? "";
    out.lines.push(...parts.filter(Boolean));
  });
  return out;
}

/** Waits for a follower's first lines, the recent events: then it is subscribed. */
const subscribed = (...fs: { lines: string[] }[]) =>
  eventually(() => (fs.every((f) => f.lines.length > 0) ? true : undefined), 90_000);

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const readAs = (path: string, uid?: number) => sh(`cat ${path}`, uid ?? {});

test("SIGHUP reloads a changed policy file before the watcher would", async () => {
  assert.ok(denied(readAs(a)), "v1 is in force");
  assert.equal(readAs(b).status, 0);
  assert.equal(generation(status(agent)), 1);

  const v2 = policy("v2", [denyRead("v2-b", b)]);
  writeFileSync(agent.policyFile, v2);
  agent.signal("SIGHUP");
  await appliedBy("sighup", 2);
  assert.ok(denied(readAs(b)), "the read allowed a moment ago is refused by the kernel");
  assert.equal(readAs(a).status, 0, "v1's rule is gone");
  const s = status(agent);
  assert.equal(generation(s), 2);
  assert.equal(s.enforcer.state.kind === "enforcing" && s.enforcer.state.policy.hash, sha256(v2));
});

test("a rewritten policy file applies after the debounce, not before", async () => {
  const v3 = policy("v3", [denyRead("v3-c", c)]);
  const written = Date.now();
  writeFileSync(agent.policyFile, v3);
  assert.equal(readAs(c).status, 0, "nothing applied inside the quiet time");
  await appliedBy("file-change", 3, DEBOUNCE_MS + 60_000);
  assert.ok(Date.now() - written >= DEBOUNCE_MS, "applied after the debounce");
  assert.ok(denied(readAs(c)));
  assert.equal(readAs(b).status, 0);
  const s = status(agent);
  assert.equal(generation(s), 3);
  assert.equal(s.enforcer.state.kind === "enforcing" && s.enforcer.state.policy.hash, sha256(v3));
});

test("a policy naming a user not yet added applies at the re-resolve after useradd", async () => {
  const v4 = policy("v4", [
    denyRead("late-user", d, `subjects: [{ user: ${LATE_USER} }], `),
    denyRead("tool-exe", e, `subjects: [{ executable: ${tool} }], `),
  ]);
  writeFileSync(agent.policyFile, v4);
  const refused = await eventually(
    () => applyLogs().find((l) => l.apply.kind === "rejected" && l.apply.trigger === "file-change"),
    DEBOUNCE_MS + 60_000,
  );
  assert.equal(refused.apply.stage, "check");
  assert.match(refused.apply.problems?.join("\n") ?? "", new RegExp(`no such user ${LATE_USER}`));
  assert.ok(denied(readAs(c)), "v3 stays in force");
  assert.equal(generation(status(agent)), 3);

  // A follower that read the accounts before the user existed.
  earlyFollower = follow(true);
  await subscribed(earlyFollower);
  const add = sh(`/usr/sbin/useradd -M -s /bin/sh ${LATE_USER}`);
  assert.equal(add.status, 0, add.stderr);
  lateUid = Number(sh(`/usr/bin/id -u ${LATE_USER}`).stdout.trim());
  const added = Date.now();
  await appliedBy("identity", 4, 60_000);
  // Several intervals under TCG, but far less than a debounce plus the check.
  assert.ok(Date.now() - added < 60_000);
  assert.ok(denied(readAs(d, lateUid)), `uid ${lateUid} (${LATE_USER}) is refused`);
  assert.equal(readAs(d, NOBODY).status, 0, "another uid is not");
  assert.equal(readAs(d).status, 0, "nor root");
  assert.equal(readAs(c).status, 0, "v3's rule is gone");
  assert.equal(status(agent).lastApply?.trigger, "identity");
});

test("an executable replaced by a new inode at its path is denied after the re-resolve", async () => {
  assert.ok(denied(sh(`${tool} ${e}`)), "the copy of cat the rule names");
  assert.equal(readAs(e).status, 0, "/usr/bin/cat is another file");
  // The old binary stays reachable under a second name, to see whether its inode stays covered.
  const old = join(dir, "tool-old");
  linkSync(tool, old);
  const oldIno = statSync(tool).ino;
  const fresh = `${tool}.new`;
  copyFileSync("/usr/bin/cat", fresh);
  chmodSync(fresh, 0o755);
  renameSync(fresh, tool);
  assert.notEqual(statSync(tool).ino, oldIno, "the replacement is a new inode");

  await appliedBy("identity", 5, 60_000);
  assert.ok(denied(sh(`${tool} ${e}`)), "the new binary at the path is refused");
  // A rule on an executable names a file, resolved to its inode: once the path
  // points elsewhere the old inode is just another copy of cat.
  assert.equal(sh(`${old} ${e}`).status, 0, "the old inode is no longer covered");
});

/** Prometheus text -> sample name with labels -> value. */
async function scrape(): Promise<Map<string, number>> {
  const r = await fetch(`http://${METRICS}/metrics`);
  assert.equal(r.status, 200);
  const samples = new Map<string, number>();
  for (const line of (await r.text()).split("\n")) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m?.[1] && m[2]) samples.set(m[1], Number(m[2]));
  }
  return samples;
}

test("metrics over HTTP count the kernel's denial, apply latency and map fill", async () => {
  const DENY = 'proofwall_decisions_total{hook="file_open",action="deny"}';
  const before = await scrape();
  assert.ok(denied(sh(`${tool} ${e}`)));
  const after = await scrape();
  assert.equal((after.get(DENY) ?? 0) - (before.get(DENY) ?? 0), 1, "one denied open, one count");

  const gen = generation(status(agent));
  assert.equal(after.get("proofwall_policy_generation"), gen);
  const applies = after.get("proofwall_apply_duration_seconds_count");
  const seconds = after.get("proofwall_apply_duration_seconds_sum") ?? -1;
  assert.equal(applies, gen, "one latency sample per applied generation");
  assert.ok(seconds > 0 && seconds < gen * 120, `apply seconds: ${seconds}`);
  assert.equal(after.get('proofwall_applies_total{result="rejected",stage="check"}'), 1);
  for (const [map, max] of [
    ["pw_rules", 1 << 18],
    ["pw_objects", 1 << 16],
  ] as const) {
    const entries = after.get(`proofwall_map_entries{map="${map}"}`) ?? -1;
    assert.equal(after.get(`proofwall_map_max_entries{map="${map}"}`), max, map);
    assert.ok(entries > 0 && entries < 100, `${map} entries: ${entries}`);
  }
});

test("events --follow streams a new denial with user, executable and file named", async () => {
  const json = follow(true);
  const text = follow(false);
  await subscribed(json, text);
  const [seenJson = 0, seenText = 0, seenEarly = 0] = [json, text, earlyFollower].map(
    (f) => f.lines.length,
  );

  assert.ok(denied(readAs(d, lateUid)));
  const fresh = (f: { lines: string[] }, from: number) =>
    eventually(
      () =>
        f.lines
          .slice(from)
          .map((l) => JSON.parse(l) as NamedEvent)
          .find((x) => x.resource === d),
      60_000,
    );
  const want = ["file-open", "deny", "late-user", lateUid, LATE_USER, "/usr/bin/cat"];
  for (const [ev, who] of [
    [await fresh(json, seenJson), "a follower started now"],
    [await fresh(earlyFollower, seenEarly), "a follower started before useradd"],
  ] as const)
    assert.deepEqual([ev.hook, ev.action, ev.ruleId, ev.uid, ev.user, ev.exe], want, who);
  const line = await eventually(
    () => text.lines.slice(seenText).find((l) => l.endsWith(`-> ${d}`)),
    60_000,
  );
  assert.match(line, new RegExp(`deny  file-open rule=late-user ${LATE_USER}\\(${lateUid}\\) `));
  assert.match(line, / \/usr\/bin\/cat -> /);

  // The replaced binary is named by its path too.
  assert.ok(denied(sh(`${tool} ${e}`, NOBODY)));
  const byTool = await eventually(
    () =>
      json.lines
        .slice(seenJson)
        .map((l) => JSON.parse(l) as NamedEvent)
        .find((x) => x.resource === e && x.uid === NOBODY),
    60_000,
  );
  assert.deepEqual([byTool.ruleId, byTool.user, byTool.exe], ["tool-exe", "nobody", tool]);
});
