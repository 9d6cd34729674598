// The agent's side of signed local changes: the trusted keys (read once, at
// start, before any seal, so a key root adds to the file later is never
// trusted while sealed), and one replay guard per subject in the state
// directory. The guards are read at start too: while sealed the versions in
// memory are the ones that count, whatever root writes to the files.
import { hostname } from "node:os";
import { join } from "node:path";
import {
  readTrustedKeys,
  ReplayGuard,
  type SignedEnvelope,
  type TrustedKeys,
} from "../signing/index.js";
import { hostLabels, parseLabels, type Labels } from "../fleet/selector.js";
import {
  checkLocalEnvelope,
  LOCAL_POLICY_SUBJECT,
  LOCAL_UNSEAL_SUBJECT,
  type LocalCheck,
  type LocalSubject,
} from "./local-envelope.js";

export interface SignedChangesOptions {
  /** null: no trusted keys, and `noKeysReason` says why. */
  readonly trusted: TrustedKeys | null;
  readonly noKeysReason: string;
  readonly stateDir: string;
  readonly labels: Labels;
  readonly now?: () => Date;
}

export class SignedChanges {
  readonly #o: SignedChangesOptions;
  readonly #guards: Record<LocalSubject, ReplayGuard>;

  constructor(options: SignedChangesOptions) {
    this.#o = options;
    const guard = (s: LocalSubject) =>
      new ReplayGuard(join(options.stateDir, "signed", `${s}.json`));
    this.#guards = {
      [LOCAL_POLICY_SUBJECT]: guard(LOCAL_POLICY_SUBJECT),
      [LOCAL_UNSEAL_SUBJECT]: guard(LOCAL_UNSEAL_SUBJECT),
    };
  }

  lastVersion(subject: LocalSubject): number {
    return this.#guards[subject].last;
  }

  check(subject: LocalSubject, text: string, source: string): LocalCheck {
    const trusted = this.#o.trusted;
    if (trusted === null)
      return {
        kind: "refused",
        code: "no-trusted-keys",
        message: `${source}: no trusted keys to verify it with (${this.#o.noKeysReason})`,
      };
    return checkLocalEnvelope(text, source, {
      subject,
      trusted,
      now: this.#o.now?.() ?? new Date(),
      lastVersion: this.lastVersion(subject),
      labels: this.#o.labels,
    });
  }

  /** Records that `envelope` took effect: no version up to its own is accepted again. */
  accept(subject: LocalSubject, envelope: SignedEnvelope): void {
    this.#guards[subject].record(envelope.version);
  }
}

export interface SignedChangesSetup {
  readonly trustedKeys: string;
  /** A sealed agent cannot take unsigned changes: without keys it could take none. */
  readonly required: boolean;
  readonly labels: string;
  readonly hostName: string | null;
  readonly stateDir: string;
}

/** Reads the trusted keys and the replay guards once, at start; throws on bad options. */
export function loadSignedChanges(s: SignedChangesSetup): SignedChanges {
  const keys = readTrustedKeys(s.trustedKeys);
  if (keys.kind === "error" && s.required)
    throw new Error(
      `agent: --seal needs trusted keys for signed changes (--trusted-keys): ${keys.problems.join("; ")}`,
    );
  const labels = parseLabels(s.labels, "--labels");
  if (labels.kind === "error") throw new Error(labels.problems.join("\n"));
  return new SignedChanges({
    trusted: keys.kind === "ok" ? keys.keys : null,
    noKeysReason: keys.kind === "error" ? keys.problems.join("; ") : "",
    stateDir: s.stateDir,
    labels: hostLabels(s.hostName ?? hostname(), labels.value),
  });
}
