// Whether a host enforces what the fleet gave it: the enforcer's policy must be
// the one the last applied bundle carried (a local `proofwall apply` diverges).
import type { EnforcementState } from "../agent/enforcer.js";
import type { AppliedBundle, HostStatus } from "./model.js";

export function healthOf(
  state: EnforcementState,
  applied: AppliedBundle | null,
): HostStatus["health"] {
  if (applied === null) return state.kind === "idle" ? "idle" : "diverged";
  if (state.kind !== "enforcing") return "diverged";
  return state.policy.hash === applied.policyHash ? "enforcing" : "diverged";
}
