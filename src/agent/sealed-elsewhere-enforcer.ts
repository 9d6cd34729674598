// The engine of an agent that starts while another process holds the seal
// (the sealing agent died: cgroup.kill, the OOM killer, a crash). The kernel
// refuses it the pins, so it loads nothing and changes nothing: the pinned
// programs go on enforcing the last policy, which it names from the slot
// records the dead agent left. Every apply is refused with the reason, so the
// agent answers status instead of crashing.
import { GENERATIONS } from "../abi/policy-records.js";
import { readSlot, type SlotRecord } from "../enforce/applied-slots.js";
import type {
  ApplyResult,
  Enforcer,
  EnforcerStatus,
  PolicyMeta,
  StartResult,
  Unsubscribe,
} from "./enforcer.js";
import type { Policy } from "../policy/index.js";

/** The newest slot record: the policy most likely in force (the kernel will not say which). */
function lastRecorded(stateDir: string): SlotRecord | null {
  let best: SlotRecord | null = null;
  for (let s = 0; s < GENERATIONS; s++) {
    const r = readSlot(stateDir, s);
    if (r && (!best || r.policy.generation > best.policy.generation)) best = r;
  }
  return best;
}

export class SealedElsewhereEnforcer implements Enforcer {
  readonly kind = "kernel";
  readonly #record: SlotRecord | null;

  constructor(
    stateDir: string,
    /** Why nothing can change, for every refusal. */
    private readonly reason: string,
  ) {
    this.#record = lastRecorded(stateDir);
  }

  async start(): Promise<StartResult> {
    const r = this.#record;
    return r ? { kind: "adopted", policy: r.policy } : { kind: "fresh" };
  }

  async apply(_policy: Policy, _meta: PolicyMeta): Promise<ApplyResult> {
    const current = this.#record?.policy ?? null;
    return { kind: "rejected", stage: "kernel", reason: this.reason, current };
  }

  status(): EnforcerStatus {
    const r = this.#record;
    return {
      kind: this.kind,
      state: r ? { kind: "enforcing", policy: r.policy, mode: r.mode } : { kind: "idle" },
      hooks: [],
      decisions: [],
      maps: [],
      eventsDropped: 0,
    };
  }

  subscribe(): Unsubscribe {
    return () => undefined; // the decision ring buffer is the sealing agent's
  }

  async stop(): Promise<void> {}

  async uninstall(): Promise<void> {
    throw new Error(`uninstall: ${this.reason}`);
  }
}
