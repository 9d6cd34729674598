// Signing: round trip, and every way a signed envelope is refused: tampered
// bytes in each signed field, a wrong or unknown key, expiry, replay (also
// across a restart, through the persisted guard), bad key files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  generateSigningKey,
  parseEnvelope,
  parsePrivateKey,
  parseTrustedKeys,
  privateKeyPem,
  ReplayGuard,
  signEnvelope,
  trustedKeyLine,
  verifyEnvelope,
  type SignedEnvelope,
  type TrustedKeys,
} from "./index.js";

const key = generateSigningKey();
const other = generateSigningKey();
const now = new Date("2026-06-01T00:00:00Z");
const fields = {
  subject: "fleet-bundle",
  version: 7,
  selector: "role=db,env=prod",
  expiresAt: "2026-07-01T00:00:00Z",
  policy: "apiVersion: proofwall.dev/v1\nkind: Policy\n",
};

function trust(...keys: (typeof key)[]): TrustedKeys {
  const r = parseTrustedKeys(keys.map((k) => trustedKeyLine(k.publicKey)).join("\n"), "keys");
  assert.equal(r.kind, "ok");
  return r.kind === "ok" ? r.keys : new Map();
}

const check = (e: SignedEnvelope, extra: { lastVersion?: number; trusted?: TrustedKeys } = {}) =>
  verifyEnvelope(e, { subject: "fleet-bundle", trusted: trust(key), now, ...extra });

test("a signed envelope verifies and survives JSON", () => {
  const e = signEnvelope(fields, key);
  assert.equal(e.keyId, key.keyId);
  const parsed = parseEnvelope(JSON.stringify(e), "bundle.json");
  assert.equal(parsed.kind, "ok");
  assert.deepEqual(parsed.kind === "ok" && check(parsed.envelope), { kind: "valid", envelope: e });
});

test("tampering with any signed field breaks the signature", () => {
  const e = signEnvelope(fields, key);
  const tampered: SignedEnvelope[] = [
    { ...e, policy: e.policy.replace("Policy", "Pol1cy") },
    { ...e, version: 8 },
    { ...e, selector: "role=db" },
    { ...e, expiresAt: "2027-07-01T00:00:00Z" },
    { ...e, expiresAt: null },
  ];
  for (const t of tampered) {
    const r = check(t);
    assert.equal(r.kind === "refused" && r.code, "bad-signature", JSON.stringify(t));
  }
  const sig = Buffer.from(e.signature, "base64");
  sig[10] = (sig[10] ?? 0) ^ 1;
  const flipped = check({ ...e, signature: sig.toString("base64") });
  assert.equal(flipped.kind === "refused" && flipped.code, "bad-signature");
  assert.match(flipped.kind === "refused" ? flipped.message : "", /fleet-bundle v7: signature/);
});

test("a key that is not trusted, or claimed by another key's id, is refused", () => {
  const byOther = signEnvelope(fields, other);
  const r = check(byOther);
  assert.equal(r.kind === "refused" && r.code, "unknown-key");
  assert.match(r.kind === "refused" ? r.message : "", new RegExp(`key ${other.keyId} is not`));
  // Signed by `other` but naming `key`'s id: the signature cannot match.
  const forged = check({ ...byOther, keyId: key.keyId });
  assert.equal(forged.kind === "refused" && forged.code, "bad-signature");
  assert.equal(check(byOther, { trusted: trust(key, other) }).kind, "valid");
});

test("expired, replayed and wrong-subject envelopes are refused", () => {
  const expired = signEnvelope({ ...fields, expiresAt: "2026-05-31T23:59:59Z" }, key);
  const r = check(expired);
  assert.equal(r.kind === "refused" && r.code, "expired");
  assert.match(r.kind === "refused" ? r.message : "", /expired at 2026-05-31T23:59:59Z/);
  const e = signEnvelope(fields, key);
  for (const last of [7, 9]) {
    const replay = check(e, { lastVersion: last });
    assert.equal(replay.kind === "refused" && replay.code, "replay");
    assert.match(replay.kind === "refused" ? replay.message : "", /version 7 is not newer than/);
  }
  assert.equal(check(e, { lastVersion: 6 }).kind, "valid");
  const plan = signEnvelope({ ...fields, subject: "fleet-rollout-plan" }, key);
  const wrong = check(plan);
  assert.equal(wrong.kind === "refused" && wrong.code, "wrong-subject");
});

test("malformed envelopes name the field", () => {
  const e = signEnvelope(fields, key);
  const bad = parseEnvelope(JSON.stringify({ ...e, version: -1, extra: 1 }), "b.json");
  assert.equal(bad.kind, "malformed");
  const text = bad.kind === "malformed" ? bad.problems.join("\n") : "";
  assert.match(text, /b\.json: field version:/);
  assert.match(text, /b\.json: field \(root\): .*extra/);
  assert.match(
    (parseEnvelope("{", "c.json") as { problems: readonly string[] }).problems[0] ?? "",
    /^c\.json: not JSON/,
  );
});

test("the replay guard persists across restarts and refuses to move back", () => {
  const dir = mkdtempSync(join(tmpdir(), "pw-replay-"));
  try {
    const file = join(dir, "fleet", "replay.json");
    const g = new ReplayGuard(file);
    assert.equal(g.last, 0);
    g.record(3);
    const again = new ReplayGuard(file);
    assert.equal(again.last, 3);
    assert.equal(again.accepts(3), false);
    assert.equal(again.accepts(4), true);
    assert.throws(() => again.record(2), /move back from 3/);
    writeFileSync(file, '{"lastVersion":"x"}');
    assert.throws(() => new ReplayGuard(file), /field lastVersion/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("key files: bad trusted-key lines name file and line; private keys round-trip", () => {
  const good = trustedKeyLine(key.publicKey, "# ops key");
  const wrongId = good.replace(key.keyId, other.keyId);
  const r = parseTrustedKeys(`# header\n${good}\nrsa abc def\n${wrongId}\ned25519 x AAAA\n`, "tk");
  assert.equal(r.kind, "error");
  assert.deepEqual(r.kind === "error" && r.problems, [
    'tk:3: trusted key: key type "rsa" is not ed25519',
    `tk:4: trusted key: key id ${other.keyId} does not match the key (its id is ${key.keyId})`,
    "tk:5: trusted key: public key is not 32 bytes of base64",
  ]);
  assert.equal(parseTrustedKeys("# nothing\n", "tk").kind, "error");
  const back = parsePrivateKey(privateKeyPem(key), "k.pem");
  assert.equal(back.keyId, key.keyId);
  assert.throws(() => parsePrivateKey("nope", "k.pem"), /read signing key k\.pem: not a PKCS#8/);
});
