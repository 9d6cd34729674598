// A sealed daemon without a kernel: unsigned applies and edits on disk are
// refused at the "seal" stage, a newer signed policy applies, a replayed or
// older one is refused at "signature" (also after a restart: the versions are
// persisted), a signed policy that fails its check does not use up its
// version, and a signed unseal lets unsigned applies through again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { fakeResolver } from "../policy/fake-resolver.js";
import { generateSigningKey, signEnvelope, trustedKeyLine } from "../signing/index.js";
import type { ApplyOutcome } from "./apply-outcome.js";
import { Daemon } from "./daemon.js";
import { LOCAL_POLICY_SUBJECT, LOCAL_UNSEAL_SUBJECT, UNSEAL_STATEMENT } from "./local-envelope.js";
import { NoKernelEnforcer } from "./no-kernel-enforcer.js";
import { renderSeal, sealRefusal, uninstallRefusal, type SealState } from "./seal-state.js";
import { loadSignedChanges } from "./signed-changes.js";
import { signedControl, type SealHandle } from "./signed-control.js";

const doc = (name: string, cap: string) => `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: ${name} }
spec:
  mode: enforce
  rules:
    - { id: r, action: deny, capabilities: [${cap}] }
`;

const key = generateSigningKey();
const SEALED: SealState = {
  kind: "sealed",
  since: "2026-01-01T00:00:00Z",
  switches: [],
  guardedObjects: 1,
  guardedPins: 1,
  pinProblems: [],
  refusals: 0,
};

function signed(subject: string, version: number, policy: string): string {
  const fields = { subject, version, selector: "host=web1", expiresAt: null, policy };
  return JSON.stringify(signEnvelope(fields, key));
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "pw-signed-"));
  const file = join(dir, "p.yaml");
  const keys = join(dir, "trusted-keys");
  writeFileSync(keys, `${trustedKeyLine(key.publicKey)}\n`);
  writeFileSync(file, doc("on-disk", "CAP_NET_RAW"));
  let state: SealState = { kind: "pending" };
  const seal: SealHandle = {
    state: () => state,
    uninstallRefusal: () => uninstallRefusal(state),
    unseal: (keyId, version) => {
      if (state.kind !== "sealed") return `unseal: the agent is not sealed (${state.kind})`;
      state = { kind: "unsealed", since: "now", keyId, version };
      return null;
    },
  };
  const log = pino({ level: "silent" });
  const stateDir = join(dir, "state");
  const daemon = new Daemon({
    enforcer: new NoKernelEnforcer(),
    resolver: () => fakeResolver({}),
    log,
    stateDir,
    policyPath: file,
    admit: (t) => sealRefusal(state, t),
    seal: () => state,
  });
  const setup = { trustedKeys: keys, required: true, labels: "", hostName: "web1", stateDir };
  const control = signedControl({ daemon, signed: loadSignedChanges(setup), seal, log });
  return {
    dir,
    file,
    daemon,
    control,
    setup,
    seal: () => (state = SEALED),
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const stage = (o: ApplyOutcome) => (o.kind === "rejected" ? o.stage : o.kind);
const problems = (o: ApplyOutcome) => (o.kind === "rejected" ? o.problems.join("\n") : "");

test("sealed: unsigned applies and edits on disk are refused, signed ones apply once", async () => {
  const t = setup();
  try {
    await t.daemon.start();
    t.seal();
    const unsigned = await t.daemon.applyText([{ file: "x", text: doc("x", "CAP_SYS_ADMIN") }]);
    assert.equal(stage(unsigned), "seal");
    assert.match(
      problems(unsigned),
      /unsigned policy does not take effect while sealed.*apply --signed/,
    );
    writeFileSync(t.file, doc("edited", "CAP_SYS_ADMIN"));
    const edit = await t.daemon.reload("file-change");
    assert.equal(edit && stage(edit), "seal");
    assert.match(edit ? problems(edit) : "", /policy on disk is not applied while sealed/);
    assert.equal(t.daemon.policy()?.meta.name, "on-disk");
    assert.equal(
      (await t.daemon.refreshIdentities())?.kind,
      "unchanged",
      "the policy in force re-resolves",
    );

    const v1 = await t.control.applyPolicy(
      signed(LOCAL_POLICY_SUBJECT, 1, doc("v1", "CAP_SYS_ADMIN")),
    );
    assert.equal(stage(v1), "applied");
    assert.equal(v1.trigger, "signed");
    assert.equal(t.daemon.policy()?.meta.name, "v1");
    const again = await t.control.applyPolicy(
      signed(LOCAL_POLICY_SUBJECT, 1, doc("v1", "CAP_SYS_ADMIN")),
    );
    assert.equal(stage(again), "signature");
    assert.match(problems(again), /version 1 is not newer than 1 applied/);

    // A broken policy is refused at check and does not use up version 2.
    const broken = await t.control.applyPolicy(
      signed(LOCAL_POLICY_SUBJECT, 2, doc("v2", "CAP_NOPE")),
    );
    assert.equal(stage(broken), "check");
    const v2 = await t.control.applyPolicy(signed(LOCAL_POLICY_SUBJECT, 2, doc("v2", "CAP_CHOWN")));
    assert.equal(stage(v2), "applied");
    const unsealAsPolicy = await t.control.applyPolicy(
      signed(LOCAL_UNSEAL_SUBJECT, 3, UNSEAL_STATEMENT),
    );
    assert.match(problems(unsealAsPolicy), /expected a local-policy/);
    assert.equal(t.daemon.status().lastApply?.kind, "rejected", "refusals are the last apply");
  } finally {
    t.done();
  }
});

test("the versions survive a restart; a signed unseal lets unsigned applies through", async () => {
  const t = setup();
  try {
    await t.daemon.start();
    t.seal();
    assert.equal(
      stage(await t.control.applyPolicy(signed(LOCAL_POLICY_SUBJECT, 7, doc("v7", "CAP_CHOWN")))),
      "applied",
    );
    assert.equal(loadSignedChanges(t.setup).lastVersion(LOCAL_POLICY_SUBJECT), 7);
    assert.match(t.control.uninstallRefusal() ?? "", /proofwall unseal --signed/);

    const policyAsUnseal = await t.control.unseal(
      signed(LOCAL_POLICY_SUBJECT, 1, doc("x", "CAP_CHOWN")),
    );
    assert.equal(policyAsUnseal.ok, false);
    const un = await t.control.unseal(signed(LOCAL_UNSEAL_SUBJECT, 1, UNSEAL_STATEMENT));
    assert.deepEqual(un.ok && un.seal.kind, "unsealed");
    const replay = await t.control.unseal(signed(LOCAL_UNSEAL_SUBJECT, 1, UNSEAL_STATEMENT));
    assert.match(replay.ok ? "" : replay.error, /version 1 is not newer than 1/);
    assert.equal(t.control.uninstallRefusal(), null);
    const plain = await t.daemon.applyText([{ file: "x", text: doc("plain", "CAP_SYS_ADMIN") }]);
    assert.equal(stage(plain), "applied");
  } finally {
    t.done();
  }
});

test("a sealing agent without trusted keys does not start", () => {
  const t = setup();
  try {
    const missing = { ...t.setup, trustedKeys: join(t.dir, "nope") };
    assert.throws(
      () => loadSignedChanges(missing),
      /--seal needs trusted keys .*nope: trusted keys: ENOENT/,
    );
    const unsealed = loadSignedChanges({ ...missing, required: false });
    const r = unsealed.check(LOCAL_POLICY_SUBJECT, signed(LOCAL_POLICY_SUBJECT, 1, "x"), "p.json");
    assert.match(
      r.kind === "refused" ? r.message : "",
      /^p\.json: no trusted keys to verify it with/,
    );
  } finally {
    t.done();
  }
});

test("under another process's seal nothing applies, and status says whose it is", () => {
  const dead: SealState = {
    kind: "sealed-elsewhere",
    holder: { pid: 4242, sealedAt: "2026-01-01T00:00:00Z", alive: false },
  };
  for (const trigger of ["startup", "control", "signed", "fleet", "identity"] as const)
    assert.match(sealRefusal(dead, trigger) ?? "", /^sealed by a dead agent \(pid 4242/);
  assert.equal(
    renderSeal(dead),
    "sealed by a dead agent (pid 4242, sealed at 2026-01-01T00:00:00Z); enforcement continues; " +
      "reboot to lift the seal (a signed unseal needs the agent that sealed)",
  );
  assert.match(
    renderSeal({ kind: "sealed-elsewhere", holder: null }),
    /^sealed by another process/,
  );
  assert.equal(sealRefusal(SEALED, "signed"), null);
  assert.equal(sealRefusal(SEALED, "fleet"), null);
  assert.equal(sealRefusal({ kind: "pending" }, "control"), null);
  assert.match(
    renderSeal(SEALED),
    /^sealed since 2026-01-01T00:00:00Z; switches in force: none; 1 objects and 1 pins guarded; every pin checked/,
  );
  const relaxed = { ...SEALED, switches: ["denyKexec"], policyAllows: ["modules", "lockdown"] };
  assert.match(
    renderSeal(relaxed),
    /; switches in force: denyKexec \(the policy allows modules, lockdown\); 1 objects/,
  );
});
