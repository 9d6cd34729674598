import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { parsePolicy } from "./parse.js";
import { formatPath, type Issue } from "./issue.js";
import { renderIssue } from "./messages.js";
import { EXAMPLES_DIR, policyYaml } from "./test-support.js";

const where = (i: Issue) => `${i.span?.line}:${i.span?.col} ${i.code} ${formatPath(i.path)}`;

function issuesOf(text: string): string[] {
  const r = parsePolicy(text, "p.yaml");
  assert.equal(r.kind, "error");
  return r.issues.map(where);
}

test("every example policy parses", () => {
  const files = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith(".yaml"));
  assert.ok(files.length >= 3);
  for (const f of files) {
    const r = parsePolicy(readFileSync(EXAMPLES_DIR + f, "utf8"), f);
    assert.deepEqual(
      r.issues.map((i) => renderIssue(i)),
      [],
      f,
    );
    assert.equal(r.kind, "ok", f);
  }
});

test("all problems are collected with line, column and field path", () => {
  const text = policyYaml(
    [
      "    - id: a",
      "      action: deny",
      "      subjects: [{ user: alice, group: staff }, {}]",
      "      files: { paths: [relative/path], operations: [read, wrte] }",
      "    - id: a",
      "      action: block",
      "      network:",
      "        cidrs: [10.0.0.0/8, 300.1.1.1]",
      "        ports: [443, '9000-8000', 0]",
      "        protcols: [tcp]",
    ].join("\n"),
  );
  assert.deepEqual(issuesOf(text), [
    "9:18 exclusive-fields spec.rules[0].subjects[0]",
    "9:49 empty-subject spec.rules[0].subjects[1]",
    "10:24 invalid-path spec.rules[0].files.paths[0]",
    "10:59 invalid-value spec.rules[0].files.operations[1]",
    "11:11 duplicate-rule-id spec.rules[1].id",
    "12:15 invalid-value spec.rules[1].action",
    "14:29 invalid-cidr spec.rules[1].network.cidrs[1]",
    "15:22 invalid-port spec.rules[1].network.ports[1]",
    "15:35 invalid-port spec.rules[1].network.ports[2]",
    "16:9 unknown-field spec.rules[1].network.protcols",
  ]);
});

test("a rule targets exactly one resource class", () => {
  const none = policyYaml("    - { id: a, action: deny }");
  assert.deepEqual(issuesOf(none), ["7:7 no-resource spec.rules[0]"]);
  const two = policyYaml("    - { id: a, action: deny, mount: true, moduleLoad: true }");
  assert.deepEqual(issuesOf(two), ["7:7 many-resources spec.rules[0]"]);
});

test("unknown fields are errors at every level, naming what was expected", () => {
  const r = parsePolicy(
    policyYaml("    - { id: a, action: deny, mount: true, subject: [] }", "  default: {}"),
    "p.yaml",
  );
  assert.equal(r.kind, "error");
  const msgs = r.issues.map((i) => renderIssue(i));
  assert.match(
    msgs[0] ?? "",
    /^p\.yaml:6:3: error unknown-field: unknown field spec\.default \(expected one of: mode, defaults, rules, selfProtection\)$/,
  );
  assert.match(
    msgs[1] ?? "",
    /^p\.yaml:8:43: error unknown-field: .*spec\.rules\[0\]\.subject .*subjects/,
  );
});

test("values of the wrong type, missing fields and bad capabilities", () => {
  const text = policyYaml(
    [
      "    - id: a",
      "      action: deny",
      "      subjects: [{ user: true }]",
      "      capabilities: [CAP_NET_RAW, CAP_FLY]",
      "    - action: deny",
      "      ptrace: { modes: [] }",
    ].join("\n"),
  );
  assert.deepEqual(issuesOf(text), [
    "9:26 invalid-type spec.rules[0].subjects[0].user",
    "10:35 unknown-capability spec.rules[0].capabilities[1]",
    "11:7 missing-field spec.rules[1].id",
    "12:24 empty-list spec.rules[1].ptrace.modes",
  ]);
});

test("exec names paths, memfd or anonymousMemory, and anonymousMemory is only true", () => {
  const ok = policyYaml("    - { id: a, action: deny, exec: { anonymousMemory: true } }");
  assert.equal(parsePolicy(ok, "p.yaml").kind, "ok");
  const empty = policyYaml("    - { id: a, action: deny, exec: {} }");
  assert.deepEqual(issuesOf(empty), [
    "7:36 missing-field spec.rules[0].exec.paths, memfd or anonymousMemory",
  ]);
  const off = policyYaml("    - { id: a, action: deny, exec: { anonymousMemory: false } }");
  assert.deepEqual(issuesOf(off), ["7:55 invalid-value spec.rules[0].exec.anonymousMemory"]);
});

test("YAML syntax errors come from the reader with their position", () => {
  const r = parsePolicy("apiVersion: x\nkind: [Policy\nspec: {}\n", "bad.yaml");
  assert.equal(r.kind, "error");
  assert.ok(r.issues.length > 0);
  assert.ok(r.issues.every((i) => i.code === "yaml-syntax" && i.span?.file === "bad.yaml"));
  const dup = parsePolicy("apiVersion: a\napiVersion: b\n", "dup.yaml");
  assert.equal(dup.kind, "error");
  assert.equal(dup.issues[0]?.code, "yaml-syntax");
  assert.equal(dup.issues[0]?.span?.line, 2);
});

test("an empty file or a wrong document kind is reported, not thrown", () => {
  assert.deepEqual(issuesOf(""), ["1:1 invalid-type "]);
  const wrong =
    "apiVersion: proofwall.dev/v2\nkind: Policy\nmetadata: {name: x}\nspec: {mode: enforce, rules: []}\n";
  assert.deepEqual(issuesOf(wrong), ["1:13 invalid-value apiVersion"]);
});

test("a tree path cannot also say tree: false", () => {
  const text = policyYaml(
    "    - { id: a, action: deny, files: { paths: [{ path: /etc/, tree: false }] } }",
  );
  assert.deepEqual(issuesOf(text), ["7:47 tree-contradiction spec.rules[0].files.paths[0]"]);
});

test("icmp is a protocol; a rule with ports cannot name it, since ICMP has no port", () => {
  const ok = policyYaml(
    "    - { id: a, action: deny, network: { cidrs: [0.0.0.0/0], protocols: [udp, icmp] } }",
  );
  assert.equal(parsePolicy(ok, "p.yaml").kind, "ok");
  const text = policyYaml(
    "    - { id: a, action: deny, network: { cidrs: [0.0.0.0/0], ports: [7], protocols: [tcp, icmp] } }",
  );
  assert.deepEqual(issuesOf(text), ["7:90 icmp-with-ports spec.rules[0].network.protocols[1]"]);
  const r = parsePolicy(text, "p.yaml");
  assert.match(renderIssue(r.issues[0] as Issue), /ICMP has no port/);
});
