// Verification of a signed envelope, in the order that gives the most useful
// answer: shape, subject, key, signature, expiry, replay. Each refusal has a
// code for programs and a message naming what failed for people.
import { verify } from "node:crypto";
import { canonicalBytes, type SignedEnvelope } from "./envelope.js";
import type { TrustedKeys } from "./trusted-keys.js";

export type RefusalCode = "wrong-subject" | "unknown-key" | "bad-signature" | "expired" | "replay";

export type VerifyResult =
  | { readonly kind: "valid"; readonly envelope: SignedEnvelope }
  | { readonly kind: "refused"; readonly code: RefusalCode; readonly message: string };

export interface VerifyOptions {
  readonly subject: string;
  readonly trusted: TrustedKeys;
  /** null skips the expiry check: re-signing an old policy for a rollback. */
  readonly now: Date | null;
  /** The last version applied; the envelope's must be greater. Omit to skip the check. */
  readonly lastVersion?: number;
}

function refuse(e: SignedEnvelope, code: RefusalCode, why: string): VerifyResult {
  return { kind: "refused", code, message: `verify ${e.subject} v${e.version}: ${why}` };
}

export function verifyEnvelope(e: SignedEnvelope, o: VerifyOptions): VerifyResult {
  if (e.subject !== o.subject) return refuse(e, "wrong-subject", `expected a ${o.subject}`);
  const key = o.trusted.get(e.keyId);
  if (!key) return refuse(e, "unknown-key", `key ${e.keyId} is not in the trusted keys`);
  const signature = Buffer.from(e.signature, "base64");
  if (!verify(null, canonicalBytes(e), key, signature))
    return refuse(e, "bad-signature", `signature does not match the content for key ${e.keyId}`);
  if (o.now !== null && e.expiresAt !== null && Date.parse(e.expiresAt) <= o.now.getTime())
    return refuse(e, "expired", `expired at ${e.expiresAt}`);
  if (o.lastVersion !== undefined && e.version <= o.lastVersion)
    return refuse(e, "replay", `version ${e.version} is not newer than ${o.lastVersion} applied`);
  return { kind: "valid", envelope: e };
}
