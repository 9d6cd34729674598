// Operator actions on a fleet: publish a signed bundle, start a staged
// rollout (a share of the targeted hosts, and/or audit mode first), promote
// it once those hosts report healthy, and roll back by re-signing an old
// policy as a new, higher version. Every bundle these write is signed here.
import { createHash } from "node:crypto";
import {
  parseEnvelope,
  signEnvelope,
  verifyEnvelope,
  type SignedEnvelope,
  type SigningKey,
  type TrustedKeys,
} from "../signing/index.js";
import { auditVariant, signBundle } from "./bundle-sign.js";
import { BUNDLE_SUBJECT, PLAN_SUBJECT, type HostStatus, type Rollout } from "./model.js";
import { hostLabels, narrowToHosts, selects } from "./selector.js";
import type { FleetStore } from "./store.js";

export interface RolloutInput {
  readonly policy: string;
  readonly source: string;
  readonly selector: string;
  readonly expiresAt: string | null;
  /** Share of the targeted live hosts that get it first; 100 for all. */
  readonly percent: number;
  /** Start in audit mode (on the canary share, or everywhere at 100%). */
  readonly auditFirst: boolean;
}

const now = (): string => new Date().toISOString();

/** Publishes a bundle signed elsewhere (`fleet sign`) to every host it selects. */
export async function publishSigned(store: FleetStore, bundle: SignedEnvelope): Promise<void> {
  await store.publish(bundle);
  await store.setRollout({
    stage: "complete",
    version: bundle.version,
    waitFor: [],
    percent: 100,
    plan: null,
    updatedAt: now(),
    note: `published v${bundle.version} as signed`,
  });
}

function targeted(hosts: readonly HostStatus[], selector: string): HostStatus[] {
  return hosts.filter((h) =>
    selects(selector, hostLabels(h.host, new Map(Object.entries(h.labels)))),
  );
}

/** The first `count` hosts in an order that differs per version: canaries rotate. */
export function pickCanaries(hosts: readonly string[], percent: number, version: number): string[] {
  const count = Math.max(1, Math.ceil((hosts.length * percent) / 100));
  const rank = (h: string) => createHash("sha256").update(`${version}:${h}`).digest("hex");
  return [...hosts].sort((a, b) => rank(a).localeCompare(rank(b))).slice(0, count);
}

/** Signs and publishes the first stage; returns the rollout record it wrote. */
export async function startRollout(
  store: FleetStore,
  r: RolloutInput,
  key: SigningKey,
): Promise<Rollout> {
  const version = (await store.maxVersion()) + 1;
  const staged = r.percent < 100 || r.auditFirst;
  const plan = signBundle({ ...r, version }, key, PLAN_SUBJECT);
  let selector = r.selector;
  let waitFor: string[] = [];
  if (staged) {
    const live = targeted((await store.statuses()).hosts, r.selector).map((h) => h.host);
    if (live.length === 0)
      throw new Error(`publish: no live host matches selector "${r.selector}"; nothing to stage`);
    waitFor = r.percent < 100 ? pickCanaries(live, r.percent, version) : live;
    if (r.percent < 100) selector = narrowToHosts(r.selector, waitFor);
  }
  const policy = r.auditFirst ? auditVariant(r.policy, r.source) : r.policy;
  await store.publish(signBundle({ ...r, policy, selector, version }, key));
  const rollout: Rollout = {
    stage: !staged ? "complete" : r.percent < 100 ? "canary" : "audit",
    version,
    waitFor,
    percent: r.percent,
    plan,
    updatedAt: now(),
    note: staged ? `staged v${version} on ${waitFor.length} host(s)` : `published v${version}`,
  };
  await store.setRollout(rollout);
  return rollout;
}

/** Why a host is not yet healthy on `version`, or null when it is. */
export function unhealthy(status: HostStatus | undefined, version: number): string | null {
  if (!status) return "not reporting (no live status)";
  const refused = status.errors.find((e) => e.version === version);
  if (refused) return `refused v${version}: ${refused.code}: ${refused.message}`;
  if (status.applied?.version !== version)
    return `applied v${status.applied?.version ?? "none"}, waiting for v${version}`;
  if (status.health !== "enforcing") return `health is ${status.health}`;
  return null;
}

export type PromoteResult =
  | { readonly kind: "promoted"; readonly rollout: Rollout }
  | { readonly kind: "waiting"; readonly reasons: readonly string[] };

export async function promote(
  store: FleetStore,
  key: SigningKey,
  trusted: TrustedKeys,
  force = false,
): Promise<PromoteResult> {
  const r = await store.rollout();
  if (!r) throw new Error("promote: no rollout in etcd");
  if (r.stage === "complete" || r.plan === null)
    throw new Error(`promote: the rollout of v${r.version} is complete; nothing to promote`);
  const plan = verifyEnvelope(r.plan, { subject: PLAN_SUBJECT, trusted, now: new Date() });
  if (plan.kind === "refused") throw new Error(`promote: rollout plan: ${plan.message}`);
  const live = new Map((await store.statuses()).hosts.map((h) => [h.host, h]));
  const reasons = r.waitFor
    .map((h) => [h, unhealthy(live.get(h), r.version)] as const)
    .filter(([, why]) => why !== null)
    .map(([h, why]) => `${h}: ${why}`);
  if (reasons.length > 0 && !force) return { kind: "waiting", reasons };
  const version = (await store.maxVersion()) + 1;
  const p = plan.envelope;
  const fields = { subject: BUNDLE_SUBJECT, policy: p.policy, selector: p.selector, version };
  await store.publish(signEnvelope({ ...fields, expiresAt: p.expiresAt }, key));
  const rollout: Rollout = {
    ...r,
    stage: "complete",
    version,
    waitFor: [],
    percent: 100,
    updatedAt: now(),
    note: `promoted v${r.version} (${r.stage}) as v${version}${force ? " by force" : ""}`,
  };
  await store.setRollout(rollout);
  return { kind: "promoted", rollout };
}

/** Re-signs bundle `to`'s policy as the next version; the old bytes are never reused. */
export async function rollback(
  store: FleetStore,
  to: number,
  key: SigningKey,
  trusted: TrustedKeys,
  options: { selector?: string; expiresAt: string | null },
): Promise<SignedEnvelope> {
  const text = await store.bundle(to);
  if (text === null) throw new Error(`rollback: no bundle v${to} in etcd`);
  const parsed = parseEnvelope(text, `bundle v${to}`);
  if (parsed.kind === "malformed") throw new Error(`rollback: ${parsed.problems.join("; ")}`);
  // Expiry is the old bundle's business: the new one carries its own.
  const v = verifyEnvelope(parsed.envelope, { subject: BUNDLE_SUBJECT, trusted, now: null });
  if (v.kind === "refused") throw new Error(`rollback: ${v.message}`);
  const version = (await store.maxVersion()) + 1;
  const selector = options.selector ?? v.envelope.selector;
  const input = { policy: v.envelope.policy, source: `bundle v${to}`, version, selector };
  const bundle = signBundle({ ...input, expiresAt: options.expiresAt }, key);
  await store.publish(bundle);
  await store.setRollout({
    stage: "complete",
    version,
    waitFor: [],
    percent: 100,
    plan: null,
    updatedAt: now(),
    note: `rolled back to the policy of v${to} as v${version}`,
  });
  return bundle;
}
