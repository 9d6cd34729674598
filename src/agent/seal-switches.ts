// Which seal switches are in force: those the agent's --seal-allow leaves on,
// minus those the applied policy's spec.selfProtection.allow turns off. A
// switch a policy turns off hands that kind of kernel code to the policy's own
// rules (moduleLoad), so an operator can let one service load modules.
import type { SealRelaxation } from "../policy/index.js";
import type { SealPolicy } from "../protect/seal.js";

/** The seal switch each relaxation turns off (--seal-allow and spec.selfProtection.allow). */
export const SWITCH_OF: Readonly<Record<SealRelaxation, SealPolicy>> = {
  modules: "denyModules",
  kexec: "denyKexec",
  lockdown: "lockdown",
};

const ORDER = Object.values(SWITCH_OF);

/** `flagSwitches` without those `policyAllow` turns off, in the kernel's bit order. */
export function switchesInForce(
  flagSwitches: readonly SealPolicy[],
  policyAllow: readonly SealRelaxation[] = [],
): SealPolicy[] {
  const off = new Set(policyAllow.map((w) => SWITCH_OF[w]));
  return ORDER.filter((s) => flagSwitches.includes(s) && !off.has(s));
}

/** Every switch set in either: what holds while an apply moves from one to the other. */
export function tightestOf(a: readonly SealPolicy[], b: readonly SealPolicy[]): SealPolicy[] {
  return ORDER.filter((s) => a.includes(s) || b.includes(s));
}

/**
 * The daemon's side of the switches. prepare() runs before the policy switch
 * and sets every switch either policy wants (null, or why it could not);
 * settle() runs after it and leaves the new policy's switches (or, when the
 * apply failed, the old ones) in force.
 */
export interface SealSwitches {
  prepare(next: { readonly sealAllow?: readonly SealRelaxation[] }): string | null;
  settle(applied: boolean): void;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Keeps the seal's switches following the policy in force. Until attach()
 * (the seal) it only remembers what the policy allows; from then on every
 * change goes to `write`, which throws when the kernel refuses it.
 */
export class SwitchFollower implements SealSwitches {
  #policyAllow: readonly SealRelaxation[] = [];
  #nextAllow: readonly SealRelaxation[] | null = null;
  /** What the kernel holds; null while there is no seal to write to. */
  #written: readonly SealPolicy[] | null = null;
  #write: ((switches: readonly SealPolicy[]) => void) | null = null;

  constructor(
    private readonly flagSwitches: readonly SealPolicy[],
    private readonly onProblem: (problem: string) => void = () => undefined,
  ) {}

  /** The switches the policy in force leaves on. */
  inForce(): SealPolicy[] {
    return switchesInForce(this.flagSwitches, this.#policyAllow);
  }

  get policyAllows(): readonly SealRelaxation[] {
    return this.#policyAllow;
  }

  /** What the kernel holds; null while unsealed. */
  get written(): readonly SealPolicy[] | null {
    return this.#written;
  }

  /** The seal now holds `switches`; later changes go through `write`. */
  attach(switches: readonly SealPolicy[], write: (s: readonly SealPolicy[]) => void): void {
    this.#written = [...switches];
    this.#write = write;
  }

  detach(): void {
    this.#written = null;
    this.#write = null;
  }

  prepare(next: { readonly sealAllow?: readonly SealRelaxation[] }): string | null {
    this.#nextAllow = next.sealAllow ?? [];
    const after = switchesInForce(this.flagSwitches, this.#nextAllow);
    return this.#set(tightestOf(this.inForce(), after));
  }

  settle(applied: boolean): void {
    if (applied && this.#nextAllow) this.#policyAllow = this.#nextAllow;
    this.#nextAllow = null;
    const problem = this.#set(this.inForce());
    if (problem !== null) this.onProblem(problem);
  }

  #set(switches: readonly SealPolicy[]): string | null {
    const now = this.#written;
    if (now === null || !this.#write) return null;
    if (now.length === switches.length && now.every((w, i) => w === switches[i])) return null;
    try {
      this.#write(switches);
    } catch (e) {
      return `seal switches: ${errorText(e)}`;
    }
    this.#written = [...switches];
    return null;
  }
}
