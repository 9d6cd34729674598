// Signed changes to one agent, made with `proofwall sign-policy` and
// `proofwall sign-unseal` and checked here: the same ed25519 envelopes as the
// fleet's bundles (src/signing/), under subjects of their own, so a fleet
// bundle can never be replayed as a local change, nor a local policy as an
// unseal request, nor either as a fleet bundle. Pure: the agent and its unit
// tests share it.
import {
  parseEnvelope,
  verifyEnvelope,
  type SignedEnvelope,
  type TrustedKeys,
} from "../signing/index.js";
import { formatLabels, selects, type Labels } from "../fleet/selector.js";

export const LOCAL_POLICY_SUBJECT = "local-policy";
export const LOCAL_UNSEAL_SUBJECT = "local-unseal";
export type LocalSubject = typeof LOCAL_POLICY_SUBJECT | typeof LOCAL_UNSEAL_SUBJECT;
/** The policy field of an unseal request: envelopes always carry text, this one a fixed word. */
export const UNSEAL_STATEMENT = "unseal";

export interface LocalCheckContext {
  readonly subject: LocalSubject;
  readonly trusted: TrustedKeys;
  readonly now: Date;
  /** The last version accepted under this subject; the envelope's must be greater. */
  readonly lastVersion: number;
  /** This host's labels, host=<name> included: the envelope's selector must select them. */
  readonly labels: Labels;
}

export type LocalCheck =
  | { readonly kind: "valid"; readonly envelope: SignedEnvelope }
  | { readonly kind: "refused"; readonly code: string; readonly message: string };

const refused = (code: string, message: string): LocalCheck => ({ kind: "refused", code, message });

/** Envelope text -> an envelope this agent may act on, or why not. */
export function checkLocalEnvelope(text: string, source: string, c: LocalCheckContext): LocalCheck {
  const parsed = parseEnvelope(text, source);
  if (parsed.kind === "malformed") return refused("malformed", parsed.problems.join("; "));
  const e = parsed.envelope;
  const v = verifyEnvelope(e, {
    subject: c.subject,
    trusted: c.trusted,
    now: c.now,
    lastVersion: c.lastVersion,
  });
  if (v.kind === "refused") return refused(v.code, `${source}: ${v.message}`);
  // Checked after the signature: the selector is signed, so it is the signer's word.
  if (!selects(e.selector, c.labels))
    return refused(
      "not-for-this-host",
      `${source}: ${e.subject} v${e.version} targets "${e.selector}", not this host (${formatLabels(c.labels)})`,
    );
  if (c.subject === LOCAL_UNSEAL_SUBJECT && e.policy !== UNSEAL_STATEMENT)
    return refused(
      "malformed",
      `${source}: field policy: an unseal request says "${UNSEAL_STATEMENT}"`,
    );
  return { kind: "valid", envelope: e };
}
