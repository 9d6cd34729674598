// What `proofwall status` says about the seal. The agent keeps one of these
// (src/agent/agent-seal.ts); the CLI renders it. A union keyed on `kind`: the
// seal is never a boolean, because "not sealed" has several reasons and
// "sealed" has several owners.
import { assertNever } from "../policy/issue.js";
import type { ApplyTrigger } from "./apply-outcome.js";

/** Who holds a seal this agent does not, as the state directory recorded it. */
export interface SealHolder {
  readonly pid: number;
  readonly sealedAt: string;
  /** The recorded process still runs (same pid and start time). */
  readonly alive: boolean;
}

export type SealState =
  /** Started without --seal: root can detach enforcement. */
  | { readonly kind: "off" }
  /** --seal, waiting for a policy to be in force. */
  | { readonly kind: "pending" }
  | {
      readonly kind: "sealed";
      readonly since: string;
      /** Seal switches in force: denyModules, denyKexec, lockdown. */
      readonly switches: readonly string[];
      /** What the policy in force turns off (spec.selfProtection.allow); absent from older agents. */
      readonly policyAllows?: readonly string[];
      /** Objects (by id) and pins (files and directories) only the agent may touch. */
      readonly guardedObjects: number;
      readonly guardedPins: number;
      /** What the check after sealing found wrong with the pins; [] when every link is in place. */
      readonly pinProblems: readonly string[];
      /** Tamper attempts the kernel refused since the seal. */
      readonly refusals: number;
    }
  /** Lifted by a signed unseal request. */
  | {
      readonly kind: "unsealed";
      readonly since: string;
      readonly keyId: string;
      readonly version: number;
    }
  /** Another process holds the seal: this agent can read nothing and change nothing. */
  | { readonly kind: "sealed-elsewhere"; readonly holder: SealHolder | null }
  /** Sealing was attempted and failed; enforcement goes on unsealed. */
  | { readonly kind: "failed"; readonly reason: string };

/** The one-line explanation a sealed-elsewhere agent gives for everything it refuses. */
export function sealedElsewhereText(holder: SealHolder | null): string {
  if (holder === null)
    return "sealed by another process (the state directory names none); enforcement continues; reboot to lift the seal";
  if (holder.alive)
    return `sealed by another running agent (pid ${holder.pid}, sealed at ${holder.sealedAt}); this agent can change nothing`;
  return (
    `sealed by a dead agent (pid ${holder.pid}, sealed at ${holder.sealedAt}); enforcement continues; ` +
    "reboot to lift the seal (a signed unseal needs the agent that sealed)"
  );
}

/** What only a signature may change while sealed: policy from disk or from an unsigned request. */
const UNSIGNED: ReadonlySet<ApplyTrigger> = new Set([
  "startup",
  "file-change",
  "sighup",
  "control",
]);
const SIGN_IT = "sign it with `proofwall sign-policy` and apply it with `proofwall apply --signed`";

/**
 * Null when an apply from `trigger` may go ahead under `s`, else why not.
 * Signed policies, fleet bundles (signed too) and the re-resolve of the
 * policy in force pass a seal; nothing passes another process's seal.
 */
export function sealRefusal(s: SealState, trigger: ApplyTrigger): string | null {
  if (s.kind === "sealed-elsewhere") return sealedElsewhereText(s.holder);
  if (s.kind !== "sealed" || !UNSIGNED.has(trigger)) return null;
  return trigger === "control"
    ? `sealed: an unsigned policy does not take effect while sealed; ${SIGN_IT}`
    : `sealed: the policy on disk is not applied while sealed (an edit is not a signed change); ${SIGN_IT}`;
}

/** Null when uninstall may proceed under `s`, else why not. */
export function uninstallRefusal(s: SealState): string | null {
  if (s.kind === "sealed-elsewhere") return `uninstall: ${sealedElsewhereText(s.holder)}`;
  if (s.kind === "sealed")
    return "uninstall: the agent is sealed; lift the seal with `proofwall unseal --signed <request>` (or reboot) first";
  return null;
}

export function renderSeal(s: SealState): string {
  switch (s.kind) {
    case "off":
      return "off (started without --seal: root can detach enforcement)";
    case "pending":
      return "pending (seals once a policy is in force)";
    case "sealed": {
      const switches = `; switches in force: ${s.switches.length > 0 ? s.switches.join(", ") : "none"}`;
      const relaxed = s.policyAllows?.length
        ? ` (the policy allows ${s.policyAllows.join(", ")})`
        : "";
      const pins =
        s.pinProblems.length === 0
          ? "every pin checked after sealing"
          : `PIN CHECK FAILED: ${s.pinProblems.join("; ")}`;
      return (
        `sealed since ${s.since}${switches}${relaxed}; ${s.guardedObjects} objects and ${s.guardedPins} pins ` +
        `guarded; ${pins}; ${s.refusals} tamper attempts refused`
      );
    }
    case "unsealed":
      return `unsealed at ${s.since} by a signed request (key ${s.keyId}, version ${s.version})`;
    case "sealed-elsewhere":
      return sealedElsewhereText(s.holder);
    case "failed":
      return `FAILED: ${s.reason}; enforcement continues unsealed`;
    default:
      return assertNever(s);
  }
}
