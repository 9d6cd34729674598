// A signed envelope: policy text plus what decides where and when it may take
// effect (version, selector, expiry), signed with ed25519 over canonical bytes.
// `subject` separates uses (a fleet bundle, a rollout plan, a local signed
// policy), so a signature made for one can never be replayed as another.
import { sign } from "node:crypto";
import { z } from "zod";
import type { SigningKey } from "./keys.js";

export const ENVELOPE_FORMAT = "proofwall-signed/v1";

export const envelopeSchema = z.strictObject({
  format: z.literal(ENVELOPE_FORMAT),
  subject: z.string().regex(/^[a-z][a-z0-9-]*$/, "lowercase words joined by '-'"),
  keyId: z.string().regex(/^[0-9a-f]{16}$/, "16 hex digits"),
  version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** Host labels the envelope targets (src/fleet/selector.ts); "" targets every host. */
  selector: z.string(),
  /** ISO 8601; null never expires. */
  expiresAt: z.iso.datetime({ offset: true }).nullable(),
  policy: z.string().min(1, "empty policy"),
  /** base64 ed25519 signature over canonicalBytes(). */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, "64 bytes of base64"),
});

export type SignedEnvelope = z.infer<typeof envelopeSchema>;
export type EnvelopeFields = Omit<SignedEnvelope, "format" | "keyId" | "signature">;

/**
 * The exact bytes that are signed. A JSON array of strings and numbers has one
 * serialisation, so signer and verifier agree without a canonical-JSON library,
 * and the field order is fixed here, not by object key order.
 */
export function canonicalBytes(e: Omit<SignedEnvelope, "signature">): Buffer {
  const fields = [e.format, e.subject, e.keyId, e.version, e.selector, e.expiresAt, e.policy];
  return Buffer.from(JSON.stringify(fields), "utf8");
}

export function signEnvelope(fields: EnvelopeFields, key: SigningKey): SignedEnvelope {
  const unsigned = { format: ENVELOPE_FORMAT, keyId: key.keyId, ...fields } as const;
  const signature = sign(null, canonicalBytes(unsigned), key.privateKey).toString("base64");
  return { ...unsigned, signature };
}

export type ParseEnvelopeResult =
  | { readonly kind: "ok"; readonly envelope: SignedEnvelope }
  | { readonly kind: "malformed"; readonly problems: readonly string[] };

/** JSON text -> envelope; every problem names its field. */
export function parseEnvelope(text: string, source: string): ParseEnvelopeResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { kind: "malformed", problems: [`${source}: not JSON: ${(e as Error).message}`] };
  }
  const r = envelopeSchema.safeParse(json);
  if (r.success) return { kind: "ok", envelope: r.data };
  const problems = r.error.issues.map(
    (i) => `${source}: field ${i.path.join(".") || "(root)"}: ${i.message}`,
  );
  return { kind: "malformed", problems };
}
