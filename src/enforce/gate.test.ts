import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { compilePolicy } from "../compile/index.js";
import { certificateGate, policyProblem, policySolver } from "./gate.js";
import { filesRule, policyOf } from "./test-support.js";

test("objects without a certificate are refused, or loaded loudly with the override", () => {
  const dir = mkdtempSync(join(tmpdir(), "pw-gate-"));
  try {
    writeFileSync(join(dir, "x.bpf.o"), "not really an object");
    const at = (n: string) => join(dir, `${n}.bpf.o`);
    const lines: string[] = [];
    const log = pino({ level: "error" }, { write: (l: string) => void lines.push(l) });
    assert.throws(() => certificateGate(["x"], false, log, at), /--allow-unverified.*x: /);
    const problems = certificateGate(["x"], true, log, at);
    assert.equal(problems.length, 1);
    assert.match(lines.join(""), /LOADING AN UNVERIFIED OBJECT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a compiled policy is proved equal to its YAML; a corrupted image is refused", async () => {
  const solver = await policySolver("embedded");
  assert.ok(solver);
  const policy = policyOf([filesRule("etc", "deny", [{ path: "/etc", tree: true }])]);
  const image = compilePolicy(policy);
  assert.equal(await policyProblem(policy, image, solver), null);
  const corrupt = { ...image, rules: image.rules.slice(1) };
  assert.match(
    (await policyProblem(policy, corrupt, solver)) ?? "",
    /^verify: the compiled maps decide/,
  );
});
