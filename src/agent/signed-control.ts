// The control requests that carry a signature: a signed policy (`proofwall
// apply --signed`) and a signed unseal (`proofwall unseal --signed`). Each is
// verified (subject, trusted key, expiry, replay, host) before anything
// happens, and its version is recorded only once it took effect. Signed
// requests run one at a time, so two in flight can never both pass the
// replay check and then land in the wrong order.
import type { Logger } from "pino";
import type { ApplyOutcome } from "./apply-outcome.js";
import type { Daemon } from "./daemon.js";
import { LOCAL_POLICY_SUBJECT, LOCAL_UNSEAL_SUBJECT } from "./local-envelope.js";
import type { SealState } from "./seal-state.js";
import type { SignedChanges } from "./signed-changes.js";

export type UnsealAnswer =
  { readonly ok: true; readonly seal: SealState } | { readonly ok: false; readonly error: string };

export interface SignedControl {
  applyPolicy(envelope: string): Promise<ApplyOutcome>;
  unseal(envelope: string): Promise<UnsealAnswer>;
  /** Null when uninstall may proceed; else why not (the seal). */
  uninstallRefusal(): string | null;
}

/** What signed requests need of the seal (AgentSeal; a stand-in in unit tests). */
export interface SealHandle {
  /** Lifts the seal after a verified request; null on success, else why not. */
  unseal(keyId: string, version: number): string | null;
  uninstallRefusal(): string | null;
  state(): SealState;
}

export interface SignedControlDeps {
  readonly daemon: Daemon;
  readonly signed: SignedChanges;
  /** Null without the kernel engine: nothing to seal. */
  readonly seal: SealHandle | null;
  readonly log: Logger;
}

export function signedControl(d: SignedControlDeps): SignedControl {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const next = queue.then(job, job);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    applyPolicy: (text) => serial(() => applyPolicy(d, text)),
    unseal: (text) => serial(async () => unseal(d, text)),
    uninstallRefusal: () => d.seal?.uninstallRefusal() ?? null,
  };
}

async function applyPolicy(d: SignedControlDeps, text: string): Promise<ApplyOutcome> {
  const c = d.signed.check(LOCAL_POLICY_SUBJECT, text, "signed policy");
  if (c.kind === "refused") return d.daemon.refuse("signed", "signature", [c.message]);
  const e = c.envelope;
  const file = `signed policy v${e.version} (key ${e.keyId})`;
  const outcome = await d.daemon.applyText([{ file, text: e.policy }], "signed");
  if (outcome.kind !== "rejected") d.signed.accept(LOCAL_POLICY_SUBJECT, e);
  return outcome;
}

function unseal(d: SignedControlDeps, text: string): UnsealAnswer {
  const c = d.signed.check(LOCAL_UNSEAL_SUBJECT, text, "unseal request");
  if (c.kind === "refused") {
    d.log.error({ refused: c }, "unseal request refused");
    return { ok: false, error: c.message };
  }
  const e = c.envelope;
  const why = d.seal ? d.seal.unseal(e.keyId, e.version) : "unseal: the agent is not sealed (off)";
  if (why !== null) return { ok: false, error: why };
  d.signed.accept(LOCAL_UNSEAL_SUBJECT, e);
  return { ok: true, seal: d.seal?.state() ?? { kind: "off" } };
}
