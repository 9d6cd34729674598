// The records a fleet keeps in etcd besides the signed bundles themselves: what
// each agent reports and the state of a staged rollout. Bundles are signed
// envelopes (src/signing/envelope.ts) with subject BUNDLE_SUBJECT.
import { z } from "zod";
import { envelopeSchema } from "../signing/index.js";

export const BUNDLE_SUBJECT = "fleet-bundle";
/** A rollout's full target and policy, signed so promotion cannot be redirected. */
export const PLAN_SUBJECT = "fleet-rollout-plan";

export const appliedSchema = z.object({
  version: z.number().int().positive(),
  /** sha256 of the bundle's canonical bytes: what was signed. */
  bundleSha256: z.string(),
  /** sha256 of the policy text, as `proofwall status` shows it. */
  policyHash: z.string(),
  policyName: z.string(),
  mode: z.string(),
  appliedAt: z.string(),
  /** "cache" until this agent process has heard from etcd. */
  source: z.enum(["etcd", "cache"]),
});

export const refusalSchema = z.object({
  version: z.number().int().nullable(),
  code: z.string(),
  message: z.string(),
  time: z.string(),
});

/** A program on a Proofwall hook, as the kernel reports it, joined with what the agent loaded. */
export const programHashSchema = z.object({
  name: z.string(),
  /** The kernel's tag: a hash of the program's instructions as loaded. */
  tag: z.string(),
  /** The object it was loaded from, and that file's sha256 (what its certificate covers). */
  object: z.string().nullable(),
  objectSha256: z.string().nullable(),
  /** The live tag is the one the program had when loaded from that object. */
  attested: z.boolean(),
});

export const hostStatusSchema = z.object({
  host: z.string(),
  labels: z.record(z.string(), z.string()),
  engine: z.enum(["kernel", "no-kernel"]),
  applied: appliedSchema.nullable(),
  /**
   * enforcing: the enforcer runs the fleet's applied policy; idle: nothing
   * applied yet; diverged: the enforcer runs something else (a local apply).
   */
  health: z.enum(["enforcing", "idle", "diverged"]),
  /** The newest refusals, newest last; a bundle never applied in part. */
  errors: z.array(refusalSchema),
  heartbeat: z.string(),
  startedAt: z.string(),
  pid: z.number().int(),
  /** Loaded-program hashes when the engine reports them (attestation), else null. */
  programs: z.array(programHashSchema).nullable(),
});

export type AppliedBundle = z.infer<typeof appliedSchema>;
export type Refusal = z.infer<typeof refusalSchema>;
export type ProgramHash = z.infer<typeof programHashSchema>;
export type HostStatus = z.infer<typeof hostStatusSchema>;

export const rolloutSchema = z.object({
  /** canary: a share of the hosts; audit: all targeted hosts in audit mode first. */
  stage: z.enum(["canary", "audit", "complete"]),
  /** The bundle now rolling out (or complete). */
  version: z.number().int().positive(),
  /** Hosts that must report healthy before promotion; empty when complete. */
  waitFor: z.array(z.string()),
  percent: z.number().min(0).max(100),
  /** Signed full target and policy for promotion; null for a bundle published as is. */
  plan: envelopeSchema.nullable(),
  updatedAt: z.string(),
  note: z.string(),
});

export type Rollout = z.infer<typeof rolloutSchema>;

export const hostRecordSchema = z.object({
  host: z.string(),
  labels: z.record(z.string(), z.string()),
  /** When this host's agent last started with these labels. */
  registeredAt: z.string(),
});
export type HostRecord = z.infer<typeof hostRecordSchema>;
