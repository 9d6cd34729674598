import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EXIT, runValidate } from "./validate.js";
import { fakeResolver } from "../policy/fake-resolver.js";
import { EXAMPLES_DIR, EXAMPLES_WORLD } from "../policy/test-support.js";

const GOOD = `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: good }
spec:
  mode: enforce
  rules:
    - { id: a, action: deny, subjects: [{ user: root }], files: { paths: [/etc/passwd] } }
    - { id: b, action: deny, network: { cidrs: [10.0.0.1/8] } }
`;
const BAD = GOOD.replace("user: root", "user: nobody-here").replace(
  "[/etc/passwd]",
  "[/etc/passwd], opertions: [read]",
);

async function run(files: Record<string, string>, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runValidate(args, {
    readFile: (p) => {
      const t = files[p];
      if (t === undefined) throw Object.assign(new Error("nope"), { code: "ENOENT" });
      return t;
    },
    resolver: () => fakeResolver({ users: { root: 0 }, files: { "/etc/passwd": 5 } }),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err };
}

test("a valid policy exits 0 and still prints its warnings", async () => {
  const r = await run({ "g.yaml": GOOD }, ["g.yaml"]);
  assert.equal(r.code, EXIT.valid);
  assert.deepEqual(r.out, [
    "g.yaml:8:49: warning cidr-host-bits: spec.rules[1].network.cidrs[0]: 10.0.0.1/8 has host bits set; using 10.0.0.0/8",
    "g.yaml: valid: 2 rules, 1 warnings",
  ]);
});

test("an invalid policy exits 1 with file:line:col: error code: message", async () => {
  const r = await run({ "g.yaml": GOOD, "b.yaml": BAD }, ["g.yaml", "b.yaml"]);
  assert.equal(r.code, EXIT.invalid);
  assert.deepEqual(r.out.slice(2), [
    "b.yaml:7:96: error unknown-field: unknown field spec.rules[0].files.opertions (expected one of: paths, operations)",
    "b.yaml: invalid: 1 errors",
  ]);
});

test("an unreadable file exits 2 even when others are invalid", async () => {
  const r = await run({ "b.yaml": BAD }, ["b.yaml", "missing.yaml"]);
  assert.equal(r.code, EXIT.usage);
  assert.deepEqual(r.err, ["missing.yaml: error: validate: cannot read file: ENOENT"]);
});

test("the proofwall binary: exit codes 0, 1 and 2", () => {
  const main = fileURLToPath(new URL("./main.js", import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), "pw-validate-"));
  writeFileSync(join(dir, "good.yaml"), GOOD);
  writeFileSync(join(dir, "bad.yaml"), BAD);
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [main, "validate", ...args], { encoding: "utf8" });
  const good = cli(join(dir, "good.yaml"));
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /good\.yaml: valid: 2 rules, 1 warnings/);
  const bad = cli(join(dir, "bad.yaml"));
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /bad\.yaml:7:96: error unknown-field: /);
  writeFileSync(join(dir, "who.yaml"), GOOD.replace("user: root", "user: nobody-here"));
  const who = cli(join(dir, "who.yaml"));
  assert.equal(who.status, 1);
  assert.match(who.stdout, /who\.yaml:7:\d+: error unknown-user: .*no such user nobody-here/);
  assert.equal(cli(join(dir, "none.yaml")).status, 2);
  assert.equal(cli().status, 2);
});

test("every example policy validates, without a warning, on the machine it is written for", async () => {
  const files = readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => EXAMPLES_DIR + f);
  assert.ok(files.length >= 5, files.join(" "));
  const out: string[] = [];
  const code = await runValidate(files, {
    readFile: (p) => readFileSync(p, "utf8"),
    resolver: () => fakeResolver(EXAMPLES_WORLD),
    out: (l) => out.push(l),
    err: (l) => out.push(l),
  });
  assert.equal(code, EXIT.valid, out.join("\n"));
  // One summary line per file and nothing else: no example carries a warning.
  assert.deepEqual(
    out.map((l) => l.replace(/ \d+ rules/, " N rules")),
    files.map((f) => `${f}: valid: N rules, 0 warnings`),
  );
});
