// The signing commands for local changes, end to end through the CLI: a key
// from keygen, a signed policy and a signed unseal request that the agent's
// check accepts, and the usage errors that name their option.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  checkLocalEnvelope,
  LOCAL_POLICY_SUBJECT,
  LOCAL_UNSEAL_SUBJECT,
  type LocalSubject,
} from "../agent/local-envelope.js";
import { hostLabels } from "../fleet/selector.js";
import { loadTrustedKeys } from "../signing/index.js";
import { sealSwitches } from "./agent.js";

const main = fileURLToPath(new URL("./main.js", import.meta.url));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [main, ...args], { encoding: "utf8" });

const policy = `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: signed }
spec:
  mode: enforce
  rules:
    - { id: r, action: deny, capabilities: [CAP_NET_RAW] }
`;

test("sign-policy and sign-unseal make envelopes the agent accepts for this host only", () => {
  const dir = mkdtempSync(join(tmpdir(), "pw-sign-"));
  try {
    const [key, pub, file] = ["k.pem", "trusted", "p.yaml"].map((f) => join(dir, f)) as [
      string,
      string,
      string,
    ];
    writeFileSync(file, policy);
    assert.equal(cli("keygen", "-o", key, "--public", pub).status, 0);
    const trusted = loadTrustedKeys(pub);
    const check = (text: string, subject: LocalSubject, host: string) =>
      checkLocalEnvelope(text, "env", {
        subject,
        trusted,
        now: new Date(),
        lastVersion: 0,
        labels: hostLabels(host, new Map()),
      }).kind;

    const signed = cli("sign-policy", file, "--policy-version", "3", "--key", key);
    assert.equal(signed.status, 0, signed.stderr);
    assert.equal(check(signed.stdout, LOCAL_POLICY_SUBJECT, "any"), "valid");
    assert.equal(check(signed.stdout, LOCAL_UNSEAL_SUBJECT, "any"), "refused");

    const out = join(dir, "unseal.json");
    const unseal = cli(
      "sign-unseal",
      "--request-version",
      "1",
      "--key",
      key,
      "--host",
      "web1",
      "-o",
      out,
    );
    assert.equal(unseal.status, 0, unseal.stderr);
    const request = readFileSync(out, "utf8");
    assert.equal(check(request, LOCAL_UNSEAL_SUBJECT, "web1"), "valid");
    assert.equal(check(request, LOCAL_UNSEAL_SUBJECT, "web2"), "refused");
    const expires = (JSON.parse(request) as { expiresAt: string }).expiresAt;
    assert.ok(
      Date.parse(expires) - Date.now() <= 3_600_000,
      "an unseal request expires within 1h by default",
    );

    const noHost = cli("sign-unseal", "--request-version", "1", "--key", key);
    assert.equal(noHost.status, 1);
    assert.match(noHost.stderr, /give --host <name> or --all-hosts/);
    const badVersion = cli("sign-policy", file, "--policy-version", "0", "--key", key);
    assert.match(badVersion.stderr, /--policy-version 0: expected a positive integer/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--seal-allow turns off the named switches and names a word it does not know", () => {
  assert.deepEqual(sealSwitches(""), ["denyModules", "denyKexec", "lockdown"]);
  assert.deepEqual(sealSwitches("modules, lockdown"), ["denyKexec"]);
  assert.throws(() => sealSwitches("kexec,usb"), /--seal-allow kexec,usb: unknown usb/);
  const r = cli("agent", "--no-kernel", "--seal-allow", "usb");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown usb/);
});

test("apply takes a policy path or --signed, not both", () => {
  const r = cli("apply", "p.yaml", "--signed", "e.json", "--control", "/nonexistent.sock");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /give a policy path or --signed <envelope> \(one of them\)/);
});
