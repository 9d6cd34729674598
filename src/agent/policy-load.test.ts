import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeResolver } from "../policy/fake-resolver.js";
import { EXAMPLES_DIR, EXAMPLES_WORLD } from "../policy/test-support.js";
import { loadPolicy } from "./policy-load.js";
import { policyHash, readPolicyPath } from "./policy-files.js";

const resolver = fakeResolver({ users: { alice: 1000 }, files: { "/etc/shadow": 5 } });

function doc(name: string, mode: string, defaults: string, rules: string): string {
  return `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: ${name} }
spec:
  mode: ${mode}
${defaults ? `  defaults: ${defaults}\n` : ""}  rules:
${rules}`;
}

const shadow = (id: string, action: string) =>
  `    - { id: ${id}, action: ${action}, files: { paths: [/etc/shadow] } }`;

test("one file: its rules, its sha256 as the hash", () => {
  const text = doc("a", "enforce", "", shadow("r1", "deny"));
  const r = loadPolicy([{ file: "a.yaml", text }], resolver);
  assert.equal(r.kind, "ok");
  if (r.kind !== "ok") return;
  assert.equal(r.policy.name, "a");
  assert.deepEqual(
    r.policy.rules.map((x) => x.id),
    ["r1"],
  );
  assert.equal(r.hash, createHash("sha256").update(text).digest("hex"));
});

test("a broken file: rendered errors with file and line, no policy", () => {
  const r = loadPolicy(
    [{ file: "b.yaml", text: doc("b", "enforce", "", shadow("r1", "nope")) }],
    resolver,
  );
  assert.equal(r.kind, "error");
  if (r.kind !== "error") return;
  assert.match(r.problems[0] ?? "", /^b\.yaml:\d+:\d+: error invalid-value: /);
});

test("merge: rules in file order renumbered, deny default wins, names joined", () => {
  const a = doc("a", "enforce", "{ network: deny }", shadow("r1", "deny"));
  const b = doc("b", "enforce", "{ network: allow, files: allow }", shadow("r2", "allow"));
  const r = loadPolicy(
    [
      { file: "a.yaml", text: a },
      { file: "b.yaml", text: b },
    ],
    resolver,
  );
  assert.equal(r.kind, "ok");
  if (r.kind !== "ok") return;
  assert.equal(r.policy.name, "a+b");
  assert.deepEqual(
    r.policy.rules.map((x) => [x.id, x.index]),
    [
      ["r1", 0],
      ["r2", 1],
    ],
  );
  assert.equal(r.policy.defaults.network, "deny");
  assert.equal(r.policy.defaults.files, "allow");
});

test("merge: duplicate rule ids and differing modes are errors naming both files", () => {
  const a = doc("a", "enforce", "", shadow("r1", "deny"));
  const b = doc("b", "audit", "", shadow("r1", "allow"));
  const r = loadPolicy(
    [
      { file: "a.yaml", text: a },
      { file: "b.yaml", text: b },
    ],
    resolver,
  );
  assert.equal(r.kind, "error");
  if (r.kind !== "error") return;
  assert.equal(r.problems.length, 2);
  assert.ok(r.problems.some((p) => p.includes("mode audit differs from enforce in a.yaml")));
  assert.ok(r.problems.some((p) => p.includes("rule id r1 is already used in a.yaml")));
});

test("readPolicyPath: a directory reads *.yaml/*.yml sorted, skips others; hash changes with content", () => {
  const dir = mkdtempSync(join(tmpdir(), "pw-policy-"));
  try {
    writeFileSync(join(dir, "b.yml"), "b");
    writeFileSync(join(dir, "a.yaml"), "a");
    writeFileSync(join(dir, "notes.txt"), "x");
    writeFileSync(join(dir, ".hidden.yaml"), "h");
    const r = readPolicyPath(dir);
    assert.equal(r.kind, "ok");
    if (r.kind !== "ok") return;
    assert.deepEqual(
      r.texts.map((t) => t.text),
      ["a", "b"],
    );
    const before = policyHash(r.texts);
    writeFileSync(join(dir, "b.yml"), "b2");
    const again = readPolicyPath(dir);
    assert.ok(again.kind === "ok" && policyHash(again.texts) !== before);
    assert.equal(readPolicyPath(join(dir, "missing")).kind, "error");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the enforce-mode examples combine in one policy directory; the audit-first one does not", () => {
  const texts = readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => ({ file: f, text: readFileSync(EXAMPLES_DIR + f, "utf8") }));
  const world = fakeResolver(EXAMPLES_WORLD);
  const enforcing = texts.filter((t) => t.file !== "egress-allowlist.yaml");
  const r = loadPolicy(enforcing, world);
  assert.equal(r.kind, "ok", r.kind === "error" ? r.problems.join("\n") : "");
  assert.equal(r.kind === "ok" && r.policy.mode, "enforce");
  const all = loadPolicy(texts, world);
  assert.equal(all.kind, "error");
  assert.match(
    all.kind === "error" ? (all.problems[0] ?? "") : "",
    /error merge: mode enforce differs from audit in egress-allowlist.yaml/,
  );
});

test("a seal switch is relaxed only when every file that states selfProtection allows it", () => {
  const allow = (name: string, words: string | null) =>
    doc(name, "enforce", "", shadow(`${name}-r`, "deny")).replace(
      "  rules:",
      words === null ? "  rules:" : `  selfProtection: { allow: [${words}] }\n  rules:`,
    );
  const load = (...texts: string[]) => {
    const r = loadPolicy(
      texts.map((text, i) => ({ file: `${i}.yaml`, text })),
      resolver,
    );
    return r.kind === "ok" ? r.policy.sealAllow : assert.fail(r.problems.join("\n"));
  };
  assert.deepEqual(load(allow("a", "modules, kexec")), ["modules", "kexec"]);
  assert.deepEqual(load(allow("a", "modules, kexec"), allow("b", "modules"), allow("c", null)), [
    "modules",
  ]);
  assert.deepEqual(load(allow("a", "modules"), allow("b", "")), []);
  assert.equal(load(allow("a", null), allow("b", null)), undefined);
});
