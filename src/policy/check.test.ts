import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parsePolicy } from "./parse.js";
import { checkPolicy } from "./check.js";
import { fakeResolver, type FakeWorld } from "./fake-resolver.js";
import { formatPath, type Issue, type Result } from "./issue.js";
import type { Policy } from "./model.js";
import { renderIssue } from "./messages.js";
import { EXAMPLES_DIR, EXAMPLES_WORLD, policyYaml } from "./test-support.js";

const WORLD: FakeWorld = {
  users: { alice: 1000, bob: 1001 },
  groups: { developers: 2000, docker: 999 },
  services: { "nginx.service": "/cg/system.slice/nginx.service", "cloud-init.service": null },
  cgroups: {
    "/cg/system.slice/nginx.service": 77n,
    "/cg/batch": 50n,
    "/cg/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p": 9n,
  },
  files: {
    "/home/alice/.ssh": 10,
    "/home/alice/.aws/credentials": 11,
    "/usr/bin/ssh": 20,
    "/usr/bin/ssh-agent": 21,
    "/usr/bin/curl": 22,
    "/etc": 30,
    "/etc/shadow": 31,
  },
  dirs: ["/home/alice/.ssh", "/etc"],
};

function check(text: string): Result<Policy> {
  const ast = parsePolicy(text, "p.yaml");
  assert.equal(ast.kind, "ok", ast.issues.map((i) => renderIssue(i)).join("\n"));
  return ast.kind === "ok" ? checkPolicy(ast.value, fakeResolver(WORLD)) : assert.fail();
}

const where = (i: Issue) => `${i.span?.line}:${i.span?.col} ${i.code} ${formatPath(i.path)}`;

test("the protect-secrets example resolves to kernel identities", () => {
  const ast = parsePolicy(readFileSync(`${EXAMPLES_DIR}protect-secrets.yaml`, "utf8"), "p.yaml");
  assert.equal(ast.kind, "ok");
  if (ast.kind !== "ok") return;
  const r = checkPolicy(ast.value, fakeResolver(EXAMPLES_WORLD));
  assert.equal(r.kind, "ok", r.issues.map((i) => renderIssue(i)).join("\n"));
  if (r.kind !== "ok") return;
  assert.deepEqual(r.issues, []);
  const [ssh, forSsh, aws, forAws, shadow, forShadow] = r.value.rules;
  assert.deepEqual(ssh?.resource, {
    kind: "files",
    targets: [{ path: "/home/alice/.ssh", key: { dev: 1, ino: 10n }, tree: true }],
    operations: ["read", "write", "create", "delete", "rename", "link", "setattr"],
  });
  // The denials are everyone's; each exception names executables only.
  for (const deny of [ssh, aws, shadow]) {
    assert.equal(deny?.action, "deny");
    assert.deepEqual(deny?.subjects, [{ identity: null, placement: null, exe: null }]);
  }
  for (const allow of [forSsh, forAws, forShadow]) {
    assert.equal(allow?.action, "allow");
    assert.ok(allow?.subjects.every((s) => s.exe !== null && s.identity === null));
  }
  assert.deepEqual(
    forSsh?.subjects.map((s) => s.exe?.ino),
    [100n, 101n, 102n, 103n, 104n, 105n],
  );
  assert.deepEqual(shadow?.resource.kind === "files" && shadow.resource.targets[0], {
    path: "/etc/shadow",
    key: { dev: 1, ino: 12n },
    tree: false,
  });
  assert.equal(r.value.defaults.files, "allow");
});

test("unknown names and missing files are errors at their field", () => {
  const rules = [
    "    - id: a",
    "      action: deny",
    "      subjects:",
    "        - { user: mallory, service: ghost }",
    "        - { group: wheel, executable: /usr/bin/nope }",
    "        - { loginUser: 1234, cgroup: /cg/missing }",
    "      files: { paths: [/etc/shadow, /home/alice/.gnupg/] }",
    "    - id: b",
    "      action: deny",
    "      unix: { paths: [/run/docker.sock] }",
  ];
  const r = check(policyYaml(rules.join("\n")));
  assert.equal(r.kind, "error");
  assert.deepEqual(r.issues.map(where), [
    "10:19 unknown-user spec.rules[0].subjects[0].user",
    "10:37 unknown-service spec.rules[0].subjects[0].service",
    "11:20 unknown-group spec.rules[0].subjects[1].group",
    "11:39 executable-not-found spec.rules[0].subjects[1].executable",
    "12:38 cgroup-not-found spec.rules[0].subjects[2].cgroup",
    "13:37 file-not-found spec.rules[0].files.paths[1]",
    "16:23 file-not-found spec.rules[1].unix.paths[0]",
  ]);
  assert.match(
    renderIssue(r.issues[0] as Issue),
    /^p\.yaml:10:19: error unknown-user: .*no such user mallory$/,
  );
});

test("host bits are normalized with a warning", () => {
  const r = check(
    policyYaml("    - { id: a, action: deny, network: { cidrs: [10.1.2.3/8, 10.0.0.0/16] } }"),
  );
  assert.equal(r.kind, "ok");
  if (r.kind !== "ok") return;
  assert.deepEqual(r.issues.map(where), ["7:49 cidr-host-bits spec.rules[0].network.cidrs[0]"]);
  assert.match(
    renderIssue(r.issues[0] as Issue),
    /10\.1\.2\.3\/8 has host bits set; using 10\.0\.0\.0\/8/,
  );
  const res = r.value.rules[0]?.resource;
  assert.equal(res?.kind === "network" && res.cidrs[0]?.addr, 0x0a000000n);
});

test("contradictory rules on the same subject and resource warn, naming both", () => {
  const rules = [
    "    - { id: a, action: deny, subjects: [{ user: alice }], files: { paths: [/etc/], operations: [read] } }",
    "    - { id: b, action: allow, subjects: [{ user: 1000 }], files: { paths: [/etc/] } }",
    "    - { id: c, action: allow, subjects: [{ user: bob }], files: { paths: [/etc/] } }",
    "    - { id: d, action: deny, capabilities: [CAP_NET_RAW] }",
    "    - { id: e, action: deny, capabilities: [CAP_NET_RAW, CAP_BPF] }",
  ];
  const r = check(policyYaml(rules.join("\n")));
  assert.equal(r.kind, "ok");
  assert.deepEqual(r.issues.map(where), ["8:7 conflicting-rules spec.rules[1]"]);
  assert.match(
    renderIssue(r.issues[0] as Issue),
    /rule b \(allow\) and rule a \(deny, line 7\) cover the same subject and resource; deny wins/,
  );
});

test("trees and single files are checked against what the path is", () => {
  const r = check(
    policyYaml("    - { id: a, action: deny, files: { paths: [/etc, /etc/shadow/] } }"),
  );
  assert.equal(r.kind, "ok");
  assert.deepEqual(
    r.issues.map((i) => i.code),
    ["directory-not-tree", "tree-on-file"],
  );
});

test("placements deeper than the kernel can see are rejected", () => {
  const r = check(
    policyYaml(
      "    - { id: a, action: deny, subjects: [{ cgroup: /cg/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p }], mount: true }",
    ),
  );
  assert.equal(r.kind, "error");
  assert.deepEqual(
    r.issues.map((i) => `${i.code} ${i.params.depth}`),
    ["cgroup-too-deep 16"],
  );
});

test("numeric ids need no lookup; units get their .service suffix", () => {
  const r = check(
    policyYaml(
      "    - { id: a, action: deny, subjects: [{ user: 4242, service: nginx }], mount: true }",
    ),
  );
  assert.equal(r.kind, "ok");
  if (r.kind !== "ok") return;
  assert.deepEqual(r.value.rules[0]?.subjects[0], {
    identity: { kind: "user", uid: 4242 },
    placement: { path: "/cg/system.slice/nginx.service", id: 77n, level: 2 },
    exe: null,
  });
});
