import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePolicy } from "./parse.js";
import { checkPolicy } from "./check.js";
import { fakeResolver } from "./fake-resolver.js";
import { formatPath, type Issue } from "./issue.js";
import { renderIssue } from "./messages.js";
import { policyYaml } from "./test-support.js";

const rule = "    - { id: a, action: deny, mount: true }";
const withAllow = (allow: string) => policyYaml(rule, `  selfProtection: { allow: ${allow} }`);
const where = (i: Issue) => `${i.span?.line}:${i.span?.col} ${i.code} ${formatPath(i.path)}`;

function sealAllowOf(text: string) {
  const ast = parsePolicy(text, "p.yaml");
  assert.equal(ast.kind, "ok", ast.issues.map((i) => renderIssue(i)).join("\n"));
  if (ast.kind !== "ok") return assert.fail();
  const r = checkPolicy(ast.value, fakeResolver({}));
  return r.kind === "ok" ? r.value.sealAllow : assert.fail();
}

test("spec.selfProtection.allow names seal switches; the checked policy keeps each once", () => {
  assert.deepEqual(sealAllowOf(withAllow("[lockdown, modules, modules]")), ["modules", "lockdown"]);
  assert.deepEqual(sealAllowOf(withAllow("[]")), []);
  assert.equal(sealAllowOf(policyYaml(rule)), undefined);
});

test("a word it does not know is an error naming file, line, column and field", () => {
  const r = parsePolicy(withAllow("[modules, kexek]"), "p.yaml");
  assert.equal(r.kind, "error");
  assert.deepEqual(r.issues.map(where), ["6:38 invalid-value spec.selfProtection.allow[1]"]);
  const text = renderIssue(r.issues[0] as Issue);
  assert.match(text, /^p\.yaml:6:38: error invalid-value: .*spec\.selfProtection\.allow\[1\]/);
  assert.match(text, /modules.*kexec.*lockdown/);
});

test("selfProtection is strict and needs allow", () => {
  const r = parsePolicy(policyYaml(rule, "  selfProtection: { alow: [modules] }"), "p.yaml");
  assert.deepEqual(r.kind === "error" && r.issues.map(where), [
    "6:3 missing-field spec.selfProtection.allow",
    "6:21 unknown-field spec.selfProtection.alow",
  ]);
  const notList = parsePolicy(withAllow("modules"), "p.yaml");
  assert.deepEqual(notList.kind === "error" && notList.issues.map(where), [
    "6:28 invalid-type spec.selfProtection.allow",
  ]);
});
