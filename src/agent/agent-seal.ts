// Sealing in the agent (`proofwall agent --seal`). Before the engine starts,
// it looks at <pin root>/protect: pins refusing it mean another process holds
// the seal (the agent must then change nothing and say so); pins an earlier
// agent left unsealed are removed. With --seal it loads self_protect beside
// the enforce objects, and once a policy is in force it guards every enforce
// map, program and link by id, every pin and pin directory, seals, and checks
// that each pin still names what was attached (the window between load and
// seal). While sealed, only signed changes pass admit(), and each apply sets
// the seal switches its spec.selfProtection asks for (prepare/settle).
import { join } from "node:path";
import type { Logger } from "pino";
import type { GuardSet } from "../enforce/kernel-enforcer.js";
import { certificateGate } from "../enforce/gate.js";
import {
  checkPins,
  probeSeal,
  removeStalePins,
  SelfProtect,
  type SealPolicy,
  type TamperEvent,
} from "../protect/index.js";
import type { SealRelaxation } from "../policy/index.js";
import type { ApplyTrigger } from "./apply-outcome.js";
import { SwitchFollower, type SealSwitches } from "./seal-switches.js";
import {
  clearSealRecord,
  processStartTicks,
  recordedHolder,
  writeSealRecord,
} from "./seal-record.js";
import {
  sealedElsewhereText,
  sealRefusal,
  uninstallRefusal,
  type SealState,
} from "./seal-state.js";

export interface AgentSealOptions {
  readonly pinRoot: string;
  readonly stateDir: string;
  readonly log: Logger;
  /** --seal: seal once a policy is in force. */
  readonly seal: boolean;
  /** The switches --seal-allow leaves on; a policy may turn some off. */
  readonly switches: readonly SealPolicy[];
  readonly allowUnverified: boolean;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class AgentSeal implements SealSwitches {
  readonly #o: AgentSealOptions;
  #state: SealState;
  readonly #sp: SelfProtect | null;
  #refusalsAtSeal = 0;
  readonly #switches: SwitchFollower;

  private constructor(o: AgentSealOptions, state: SealState, sp: SelfProtect | null) {
    this.#o = o;
    this.#state = state;
    this.#sp = sp;
    this.#switches = new SwitchFollower(o.switches, (problem) =>
      o.log.error({ problem }, "seal switches: the tighter switches stay in force"),
    );
  }

  /** Looks at the pins left by earlier agents and, with --seal, loads self_protect. */
  static prepare(o: AgentSealOptions): AgentSeal {
    const dir = join(o.pinRoot, "protect");
    const probe = probeSeal(dir);
    if (probe.kind === "sealed-elsewhere") {
      const state: SealState = { kind: "sealed-elsewhere", holder: recordedHolder(o.stateDir) };
      o.log.error({ seal: state, detail: probe.detail }, sealedElsewhereText(state.holder));
      return new AgentSeal(o, state, null);
    }
    if (probe.kind === "stale") {
      o.log.warn({ dir }, "removing self-protection pins an earlier agent left unsealed");
      removeStalePins(dir);
      clearSealRecord(o.stateDir);
    }
    if (!o.seal) return new AgentSeal(o, { kind: "off" }, null);
    certificateGate(["self_protect"], o.allowUnverified, o.log);
    const sp = SelfProtect.start({ pinDir: dir });
    sp.log.subscribe((e) => o.log.warn({ tamper: tamperFields(e) }, "tamper attempt refused"));
    return new AgentSeal(o, { kind: "pending" }, sp);
  }

  /** Calls `listener` with every tamper attempt the kernel refuses from now on. */
  onTamper(listener: (e: TamperEvent) => void): void {
    this.#sp?.log.subscribe(listener);
  }

  /** Why the engine must not touch the pins (another process holds the seal), or null. */
  get blockedReason(): string | null {
    const s = this.#state;
    return s.kind === "sealed-elsewhere" ? sealedElsewhereText(s.holder) : null;
  }

  get isSealed(): boolean {
    return this.#state.kind === "sealed";
  }

  get pendingSeal(): boolean {
    return this.#state.kind === "pending";
  }

  state(): SealState {
    const s = this.#state;
    if (s.kind !== "sealed" || !this.#sp) return s;
    return {
      ...s,
      switches: [...(this.#switches.written ?? [])],
      policyAllows: [...this.#switches.policyAllows],
      refusals: this.#sp.log.total - this.#refusalsAtSeal,
    };
  }

  /** Null when an apply from `trigger` may go ahead; else why not. */
  admit(trigger: ApplyTrigger): string | null {
    return sealRefusal(this.#state, trigger);
  }

  uninstallRefusal(): string | null {
    return uninstallRefusal(this.#state);
  }

  /** Seals once; `set` is what the enforce engine holds. Failures are reported, never thrown. */
  sealNow(set: GuardSet): void {
    const sp = this.#sp;
    if (this.#state.kind !== "pending" || !sp) return;
    try {
      for (const key of set.objects) sp.guard(key);
      const pins = sp.guardTree(set.pinDir) + sp.ownPins().length + 2;
      sp.guardPin(this.#o.pinRoot, "dir");
      const switches = this.#switches.inForce();
      sp.seal(switches, this.#o.pinRoot);
      this.#switches.attach(switches, (next) => {
        sp.setSwitches(next);
        this.#o.log.info({ switches: next }, "seal switches set");
      });
      this.#refusalsAtSeal = sp.log.total;
      this.#afterSeal(set, pins);
    } catch (e) {
      this.#state = { kind: "failed", reason: `seal: ${errorText(e)}` };
      this.#o.log.error({ seal: this.#state }, "sealing failed; enforcement continues unsealed");
    }
  }

  #afterSeal(set: GuardSet, pins: number): void {
    const sp = this.#sp;
    if (!sp) return;
    const pinProblems = [
      ...set.missingHooks.map(
        (h) => `hook ${h}: no link attaches it (its pin was gone when adopted)`,
      ),
      ...checkPins([...set.pins, ...sp.ownPins()]),
    ];
    const since = new Date().toISOString();
    writeSealRecord(this.#o.stateDir, {
      pid: process.pid,
      startTicks: processStartTicks(process.pid) ?? "",
      sealedAt: since,
    });
    this.#state = {
      kind: "sealed",
      since,
      switches: [...(this.#switches.written ?? [])],
      policyAllows: [...this.#switches.policyAllows],
      guardedObjects: sp.guardedIds.length,
      guardedPins: pins,
      pinProblems,
      refusals: 0,
    };
    if (pinProblems.length > 0)
      this.#o.log.error({ pinProblems }, "sealed, but pins changed between load and seal");
    else this.#o.log.info({ seal: this.#state }, "sealed");
  }

  /** Before a policy switch: every switch either policy wants; null, or why they could not be set. */
  prepare(next: { readonly sealAllow?: readonly SealRelaxation[] }): string | null {
    return this.#switches.prepare(next);
  }

  /** After it: the applied policy's switches, or the old ones when the apply failed. */
  settle(applied: boolean): void {
    this.#switches.settle(applied);
  }

  /** Lifts the seal after a verified request; null on success, else why not. */
  unseal(keyId: string, version: number): string | null {
    const s = this.#state;
    if (s.kind === "sealed-elsewhere") return `unseal: ${sealedElsewhereText(s.holder)}`;
    if (s.kind !== "sealed" || !this.#sp) return `unseal: the agent is not sealed (${s.kind})`;
    this.#sp.unseal();
    this.#switches.detach();
    clearSealRecord(this.#o.stateDir);
    this.#state = { kind: "unsealed", since: new Date().toISOString(), keyId, version };
    this.#o.log.warn({ seal: this.#state }, "unsealed by a signed request");
    return null;
  }

  /** An unsealed agent takes self_protect with it; a sealed one cannot stop (nor be stopped). */
  async stop(): Promise<void> {
    if (this.#sp && !this.isSealed) await this.#sp[Symbol.asyncDispose]();
  }
}

function tamperFields(e: TamperEvent) {
  const { hook, pid, tgid, uid, comm, detail } = e;
  return { hook, pid, tgid, uid, comm, detail, target: e.target.toString() };
}
