// One bundle as etcd holds it -> a verified envelope this host should apply,
// or the reason it must not be. Pure: the fleet agent and its tests share it.
import { createHash } from "node:crypto";
import { parseEnvelope, verifyEnvelope, type SignedEnvelope } from "../signing/index.js";
import type { TrustedKeys } from "../signing/index.js";
import { canonicalBytes } from "../signing/index.js";
import { BUNDLE_SUBJECT } from "./model.js";
import { selects, type Labels } from "./selector.js";

export type BundleCheck =
  | { readonly kind: "apply"; readonly bundle: SignedEnvelope }
  /** Well-formed but for other hosts: nothing to report. */
  | { readonly kind: "not-for-me" }
  | { readonly kind: "refused"; readonly code: string; readonly message: string };

export interface CheckContext {
  readonly labels: Labels;
  readonly trusted: TrustedKeys;
  readonly now: Date;
  readonly lastVersion: number;
}

export function bundleSha256(b: SignedEnvelope): string {
  return createHash("sha256").update(canonicalBytes(b)).digest("hex");
}

/** `keyVersion` is the version the etcd key names; the signed one must agree. */
export function checkBundle(text: string, keyVersion: number, c: CheckContext): BundleCheck {
  const parsed = parseEnvelope(text, `bundle ${keyVersion}`);
  if (parsed.kind === "malformed")
    return { kind: "refused", code: "malformed", message: parsed.problems.join("; ") };
  const b = parsed.envelope;
  // Unverified until verifyEnvelope below; the selector is signed, so a forged
  // one fails there. Checking it first keeps other hosts' bundles out of our report.
  if (!selects(b.selector, c.labels)) return { kind: "not-for-me" };
  const v = verifyEnvelope(b, {
    subject: BUNDLE_SUBJECT,
    trusted: c.trusted,
    now: c.now,
    lastVersion: c.lastVersion,
  });
  if (v.kind === "refused") return { kind: "refused", code: v.code, message: v.message };
  if (b.version !== keyVersion)
    return {
      kind: "refused",
      code: "version-mismatch",
      message: `bundle ${keyVersion}: signed as version ${b.version}`,
    };
  return { kind: "apply", bundle: b };
}
