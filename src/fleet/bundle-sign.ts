// Making bundles: sign policy text for a version and selector, check what can
// be checked without the target hosts (selector syntax, policy syntax), and
// derive the audit-mode variant a staged rollout starts with.
import { parseDocument } from "yaml";
import { parsePolicy, renderIssue, isError } from "../policy/index.js";
import { signEnvelope, type SignedEnvelope, type SigningKey } from "../signing/index.js";
import { BUNDLE_SUBJECT } from "./model.js";
import { parseSelector } from "./selector.js";

export interface BundleInput {
  readonly policy: string;
  /** Names the policy in error messages: its file. */
  readonly source: string;
  readonly version: number;
  readonly selector: string;
  readonly expiresAt: string | null;
}

/** Throws with every problem in the input, each naming its file or option. */
export function checkBundleInput(b: BundleInput): void {
  const problems: string[] = [];
  const sel = parseSelector(b.selector, "--selector");
  if (sel.kind === "error") problems.push(...sel.problems);
  const ast = parsePolicy(b.policy, b.source);
  problems.push(...ast.issues.filter(isError).map((i) => renderIssue(i, b.source)));
  if (!Number.isSafeInteger(b.version) || b.version < 1)
    problems.push(`--bundle-version ${b.version}: expected a positive integer`);
  if (problems.length > 0) throw new Error(problems.join("\n"));
}

export function signBundle(
  b: BundleInput,
  key: SigningKey,
  subject = BUNDLE_SUBJECT,
): SignedEnvelope {
  checkBundleInput(b);
  const { policy, version, selector, expiresAt } = b;
  return signEnvelope({ subject, policy, version, selector, expiresAt }, key);
}

/** The same policy in audit mode: reports what it would deny, denies nothing. */
export function auditVariant(policy: string, source: string): string {
  const doc = parseDocument(policy);
  if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0]?.message ?? "bad YAML"}`);
  doc.setIn(["spec", "mode"], "audit");
  return doc.toString();
}

/** `--expires`: an ISO time, or a duration from now such as 12h or 30d. */
export function parseExpiry(text: string | undefined, now = new Date()): string | null {
  if (text === undefined) return null;
  const d = /^(\d+)([hd])$/.exec(text);
  if (d) {
    const ms = Number(d[1]) * (d[2] === "h" ? 3_600_000 : 86_400_000);
    return new Date(now.getTime() + ms).toISOString();
  }
  const t = Date.parse(text);
  if (Number.isNaN(t) || !/^\d{4}-\d\d-\d\dT/.test(text))
    throw new Error(`--expires ${text}: expected an ISO time (2026-12-31T00:00:00Z) or 12h, 30d`);
  return new Date(t).toISOString();
}
