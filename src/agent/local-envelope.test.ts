// Signed local changes: each subject is refused where another is expected (a
// fleet bundle as a local policy and back, a policy as an unseal request), a
// version not newer than the last is refused, a newer one passes, and a
// selector for another host, an expired request or a forged field is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkBundle } from "../fleet/bundle-check.js";
import { BUNDLE_SUBJECT } from "../fleet/model.js";
import { hostLabels } from "../fleet/selector.js";
import {
  generateSigningKey,
  parseTrustedKeys,
  signEnvelope,
  trustedKeyLine,
  type EnvelopeFields,
  type TrustedKeys,
} from "../signing/index.js";
import {
  checkLocalEnvelope,
  LOCAL_POLICY_SUBJECT,
  LOCAL_UNSEAL_SUBJECT,
  UNSEAL_STATEMENT,
  type LocalSubject,
} from "./local-envelope.js";

const key = generateSigningKey();
const trusted = ((): TrustedKeys => {
  const r = parseTrustedKeys(trustedKeyLine(key.publicKey), "keys");
  assert.equal(r.kind, "ok");
  return r.kind === "ok" ? r.keys : new Map();
})();
const now = new Date("2026-06-01T00:00:00Z");
const labels = hostLabels("web1", new Map([["role", "db"]]));
const policy = "apiVersion: proofwall.dev/v1\nkind: Policy\n";

const envelope = (f: Partial<EnvelopeFields> = {}) =>
  JSON.stringify(
    signEnvelope(
      {
        subject: LOCAL_POLICY_SUBJECT,
        version: 5,
        selector: "host=web1",
        expiresAt: null,
        policy,
        ...f,
      },
      key,
    ),
  );

const check = (text: string, subject: LocalSubject = LOCAL_POLICY_SUBJECT, lastVersion = 4) =>
  checkLocalEnvelope(text, "env.json", { subject, trusted, now, lastVersion, labels });

const code = (r: ReturnType<typeof check>) => (r.kind === "refused" ? r.code : "valid");

test("a local policy newer than the last one passes; the same or an older one is a replay", () => {
  const r = check(envelope());
  assert.equal(r.kind, "valid");
  assert.equal(r.kind === "valid" && r.envelope.policy, policy);
  assert.equal(code(check(envelope(), LOCAL_POLICY_SUBJECT, 5)), "replay");
  const older = check(envelope({ version: 3 }), LOCAL_POLICY_SUBJECT, 5);
  assert.equal(code(older), "replay");
  assert.match(
    older.kind === "refused" ? older.message : "",
    /^env\.json: .*version 3 is not newer than 5/,
  );
});

test("a fleet bundle is not a local change, and a local change is not a fleet bundle", () => {
  const bundle = envelope({ subject: BUNDLE_SUBJECT });
  assert.equal(code(check(bundle)), "wrong-subject");
  assert.equal(code(check(bundle, LOCAL_UNSEAL_SUBJECT)), "wrong-subject");
  const asFleet = checkBundle(envelope(), 5, { labels, trusted, now, lastVersion: 0 });
  assert.equal(asFleet.kind === "refused" && asFleet.code, "wrong-subject");
  assert.equal(checkBundle(bundle, 5, { labels, trusted, now, lastVersion: 0 }).kind, "apply");
});

test("a signed policy is not an unseal request, nor the other way round", () => {
  const unseal = envelope({ subject: LOCAL_UNSEAL_SUBJECT, policy: UNSEAL_STATEMENT });
  assert.equal(code(check(unseal, LOCAL_UNSEAL_SUBJECT)), "valid");
  assert.equal(code(check(unseal)), "wrong-subject");
  assert.equal(code(check(envelope(), LOCAL_UNSEAL_SUBJECT)), "wrong-subject");
  const sloppy = check(envelope({ subject: LOCAL_UNSEAL_SUBJECT }), LOCAL_UNSEAL_SUBJECT);
  assert.equal(code(sloppy), "malformed");
  assert.match(sloppy.kind === "refused" ? sloppy.message : "", /field policy: an unseal request/);
});

test("another host's change, an expired one and a forged one are refused", () => {
  const other = check(envelope({ selector: "host=web2" }));
  assert.equal(code(other), "not-for-this-host");
  assert.match(
    other.kind === "refused" ? other.message : "",
    /targets "host=web2", not this host \(role=db,host=web1\)/,
  );
  assert.equal(code(check(envelope({ selector: "role=db" }))), "valid");
  assert.equal(code(check(envelope({ selector: "" }))), "valid");
  assert.equal(code(check(envelope({ expiresAt: "2026-05-31T00:00:00Z" }))), "expired");
  const forged = JSON.parse(envelope()) as Record<string, unknown>;
  forged["selector"] = "";
  assert.equal(code(check(JSON.stringify(forged))), "bad-signature");
  forged["version"] = "9";
  const malformed = check(JSON.stringify(forged));
  assert.equal(code(malformed), "malformed");
  assert.match(malformed.kind === "refused" ? malformed.message : "", /env\.json: field version/);
  const fields: EnvelopeFields = {
    subject: LOCAL_POLICY_SUBJECT,
    version: 5,
    selector: "",
    expiresAt: null,
    policy,
  };
  const stranger = signEnvelope(fields, generateSigningKey());
  assert.equal(code(check(JSON.stringify(stranger))), "unknown-key");
});
