// What the last apply did, kept by the daemon for `proofwall status`, the
// logs and the control API's apply answer.
import type { ApplyStage, PolicyMeta } from "./enforcer.js";

/**
 * "identity": the periodic re-resolve of users, services and files; "fleet": a
 * verified bundle; "signed": a verified local envelope (`proofwall apply --signed`).
 */
export type ApplyTrigger =
  "startup" | "file-change" | "sighup" | "control" | "identity" | "fleet" | "signed";

/**
 * "seal": the agent is sealed and the change is not signed; "signature": a
 * signed change failed verification. These, "read" and "check" fail in the
 * daemon, the others in the Enforcer.
 */
export type RejectStage = "read" | "check" | "seal" | "signature" | ApplyStage;

export type ApplyOutcome =
  | {
      readonly kind: "applied";
      readonly policy: PolicyMeta;
      readonly trigger: ApplyTrigger;
      readonly time: string;
      readonly durationMs: number;
      readonly warnings: readonly string[];
    }
  | {
      /** Same hash as the policy in force: nothing to do. */
      readonly kind: "unchanged";
      readonly policy: PolicyMeta;
      readonly trigger: ApplyTrigger;
      readonly time: string;
    }
  | {
      readonly kind: "rejected";
      readonly stage: RejectStage;
      readonly problems: readonly string[];
      readonly trigger: ApplyTrigger;
      readonly time: string;
      /** Still in force, or null when nothing was ever applied. */
      readonly current: PolicyMeta | null;
    };
