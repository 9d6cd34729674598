// Atomic apply on the real kernel: while a prober opens files without pause,
// the agent applies two policies in turn a thousand times. A request decided
// on half of a policy would show up as an answer neither policy gives: the
// file both policies deny read once, or the file both allow refused once.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTestVm } from "../vm/guard.js";
import { AgentHarness } from "./agent-harness.js";
import { ask } from "./control-client.js";

requireTestVm();

const APPLIES = 1000;
const dir = mkdtempSync("/tmp/pw-atomic-");
chmodSync(dir, 0o755);
const tree = join(dir, "d");
mkdirSync(tree, { mode: 0o755 });
const files = ["always-denied", "always-allowed", "flip-a", "flip-b"] as const;
type Probe = (typeof files)[number];
const path = (f: Probe) => join(tree, f);
for (const f of files) writeFileSync(path(f), "x\n", { mode: 0o644 });

const head = (name: string) => `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: ${name} }
spec:
  mode: enforce
  rules:
`;
const rule = (id: string, action: string, p: string) =>
  `    - { id: ${id}, action: ${action}, files: { paths: [${p}], operations: [read] } }\n`;
// One: the tree is denied, two files in it are allowed by exact rules.
const ONE =
  head("one") +
  rule("tree", "deny", `${tree}/`) +
  rule("keep", "allow", path("always-allowed")) +
  rule("a", "allow", path("flip-a"));
// Two: two files are denied by exact rules, the default allows the rest.
const TWO =
  head("two") + rule("deny", "deny", path("always-denied")) + rule("a", "deny", path("flip-a"));
/** What each policy answers per file (true: the open is allowed). */
const EXPECTED: Record<"one" | "two", Record<Probe, boolean>> = {
  one: { "always-denied": false, "always-allowed": true, "flip-a": true, "flip-b": false },
  two: { "always-denied": false, "always-allowed": true, "flip-a": false, "flip-b": true },
};

// The prober: opens the four files round-robin until stdin closes, then
// prints per file how often an open was allowed and refused (EPERM).
const PROBER = `
const fs = require("node:fs");
const files = JSON.parse(process.argv[1]);
const counts = Object.fromEntries(files.map((f) => [f, { allowed: 0, denied: 0, other: 0 }]));
let stop = false;
process.stdin.on("end", () => (stop = true)).resume();
function round() {
  for (let i = 0; i < 200; i++)
    for (const f of files) {
      try { fs.closeSync(fs.openSync(f, "r")); counts[f].allowed++; }
      catch (e) { counts[f][e.code === "EPERM" ? "denied" : "other"]++; }
    }
  if (stop) process.stdout.write(JSON.stringify(counts));
  else setImmediate(round);
}
round();`;

const harness = new AgentHarness(ONE, { kernel: true, pinRoot: "/sys/fs/bpf/pw-atomic-test" });
after(async () => {
  harness.cli(["uninstall"]);
  await harness.stop();
});

test(`${APPLIES} applies alternating two policies: every answer is one of theirs`, async () => {
  await harness.start(["--debounce", "600000", "--resolve-interval", "0"]);
  const prober = spawn(process.execPath, ["-e", PROBER, JSON.stringify(files.map(path))], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let output = "";
  prober.stdout.on("data", (c: Buffer) => (output += c.toString()));
  const done = new Promise((resolve) => prober.on("exit", resolve));

  const durations: number[] = [];
  // A failed assertion must not leave the prober running (and the VM waiting).
  after(() => prober.kill("SIGKILL"));
  for (let i = 0; i < APPLIES; i++) {
    const text = i % 2 === 0 ? TWO : ONE;
    const x = await ask(harness.socket, { op: "apply", files: [{ file: "p.yaml", text }] });
    assert.equal(x.kind, "answered");
    const outcome = (x.kind === "answered" && x.answer.ok ? x.answer["outcome"] : null) as {
      kind: string;
      durationMs?: number;
    };
    assert.equal(outcome.kind, "applied", JSON.stringify(outcome));
    durations.push(outcome.durationMs ?? NaN);
  }
  prober.stdin.end();
  await done;
  const counts = JSON.parse(output) as Record<string, Record<string, number>>;
  const seen = (f: Probe) => counts[path(f)] ?? {};

  for (const f of files) assert.equal(seen(f)["other"], 0, `${f}: only allowed or EPERM`);
  assert.equal(seen("always-denied")["allowed"], 0, "a file both policies deny was never readable");
  assert.equal(seen("always-allowed")["denied"], 0, "a file both policies allow was never refused");
  for (const f of ["flip-a", "flip-b"] as const) {
    const s = seen(f);
    assert.ok(
      (s["allowed"] ?? 0) > 0 && (s["denied"] ?? 0) > 0,
      `${f} saw both policies: ${JSON.stringify(s)}`,
    );
  }
  // The last apply was ONE: it is in force, whole.
  for (const f of files)
    assert.equal(
      EXPECTED.one[f],
      harness.cli(["explain", "--open", path(f), "--json"]).stdout.includes('"action": "allow"'),
    );
  durations.sort((a, b) => a - b);
  const total = Object.values(counts).reduce(
    (n, c) => n + (c["allowed"] ?? 0) + (c["denied"] ?? 0),
    0,
  );
  console.log(
    `${APPLIES} applies, ${total} probes; apply latency (compile + write + switch) ` +
      `p50 ${durations[APPLIES >> 1]?.toFixed(1)} ms, p99 ${durations[Math.floor(APPLIES * 0.99)]?.toFixed(1)} ms (TCG)`,
  );
});
