// The agent's core, free of sockets and signals so it can be tested in
// process: it reads and checks policy text, hands the result to the Enforcer
// one apply at a time, keeps the last outcome and a window of recent events.
// A failed apply at any stage leaves the previous policy in force.
import type { Logger } from "pino";
import type { Policy, Resolver } from "../policy/index.js";
import type { ApplyOutcome, ApplyTrigger, RejectStage } from "./apply-outcome.js";
import { readGeneration, writeGeneration } from "./agent-state.js";
import type {
  ApplyResult,
  DecisionEvent,
  Enforcer,
  EnforcerStatus,
  EventListener,
  PolicyMeta,
} from "./enforcer.js";
import { readPolicyPath, type PolicyText } from "./policy-files.js";
import { loadPolicy } from "./policy-load.js";
import type { SealState } from "./seal-state.js";
import type { SealSwitches } from "./seal-switches.js";

const RECENT_EVENTS = 1000;

function fingerprint(policy: Policy): string {
  return JSON.stringify(policy, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}

export interface DaemonOptions {
  readonly enforcer: Enforcer;
  /** A fresh resolver per apply: users, services and files change between applies. */
  readonly resolver: () => Resolver;
  readonly log: Logger;
  readonly stateDir: string;
  /** The --policy file or directory; null when policy only arrives over the control API. */
  readonly policyPath: string | null;
  readonly onApply?: (outcome: ApplyOutcome) => void;
  /** Null when an apply from `trigger` may go ahead, else why not (the seal). */
  readonly admit?: (trigger: ApplyTrigger) => string | null;
  /** The seal as `proofwall status` shows it; "off" when the agent has none. */
  readonly seal?: () => SealState;
  /** Seal switches that follow spec.selfProtection, set around each policy switch. */
  readonly sealSwitches?: SealSwitches;
}

/** Applied even when nothing changed: the operator asked for exactly this policy. */
const FORCED: ReadonlySet<ApplyTrigger> = new Set(["control", "signed"]);

/** Applies that read the --policy file or directory. */
const FROM_FILE: ReadonlySet<ApplyTrigger> = new Set(["startup", "file-change", "sighup"]);

export interface DaemonStatus {
  readonly pid: number;
  readonly startedAt: string;
  readonly policyPath: string | null;
  readonly enforcer: EnforcerStatus;
  readonly lastApply: ApplyOutcome | null;
  /** Absent from agents that predate sealing; read as "off". */
  readonly seal?: SealState;
}

export class Daemon {
  readonly #o: DaemonOptions;
  readonly #startedAt = new Date().toISOString();
  #generation = 0;
  #current: {
    policy: Policy;
    meta: PolicyMeta;
    resolved: string;
    texts: readonly PolicyText[];
  } | null = null;
  #last: ApplyOutcome | null = null;
  /**
   * The policy file's text as last read, while it fails the check: a name it
   * gives (a user, a service, an executable) may exist at the next re-resolve.
   */
  #unresolved: readonly PolicyText[] | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #recent: DecisionEvent[] = [];
  readonly #listeners = new Set<EventListener>();

  constructor(options: DaemonOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    const started = await this.#o.enforcer.start();
    this.#generation = readGeneration(this.#o.stateDir);
    if (started.kind === "adopted") {
      this.#generation = Math.max(this.#generation, started.policy.generation);
      this.#o.log.info({ policy: started.policy }, "adopted pinned enforcement");
    }
    this.#o.enforcer.subscribe((e) => this.#onEvent(e));
    if (this.#o.policyPath !== null) await this.reload("startup");
  }

  /** Re-reads --policy; a no-op without one. */
  reload(trigger: ApplyTrigger): Promise<ApplyOutcome | null> {
    const path = this.#o.policyPath;
    if (path === null) return Promise.resolve(null);
    return this.#serial(async () => {
      const refusal = this.#o.admit?.(trigger);
      if (refusal) return this.#reject(trigger, "seal", [refusal]);
      const read = readPolicyPath(path);
      // What the file says now replaces any earlier text that failed its check.
      this.#unresolved = null;
      if (read.kind === "error") return this.#reject(trigger, "read", [read.reason]);
      return this.#apply(read.texts, trigger);
    });
  }

  /**
   * Resolves the policy in force again (not the file: a policy sent over the
   * control API stays in force) and applies it only if an identity changed.
   * A policy file that failed its check since is tried again instead: a user
   * added after it was written makes it apply; failing again logs nothing.
   */
  refreshIdentities(): Promise<ApplyOutcome | null> {
    return this.#serial(async () => {
      // A sealed agent takes no unsigned file text, even text read before the seal.
      if (this.#unresolved && this.#o.admit?.("file-change")) this.#unresolved = null;
      const texts = this.#unresolved ?? this.#current?.texts;
      return texts ? this.#apply(texts, "identity") : null;
    });
  }

  /** Applies policy text sent over the control API (or, with "fleet", a verified bundle). */
  applyText(
    texts: readonly PolicyText[],
    trigger: ApplyTrigger = "control",
  ): Promise<ApplyOutcome> {
    return this.#serial(async () => {
      const refusal = this.#o.admit?.(trigger);
      if (refusal) return this.#reject(trigger, "seal", [refusal]);
      return this.#apply(texts, trigger);
    });
  }

  /** Records a change refused before it reached the daemon (a bad signature), as an apply would be. */
  refuse(
    trigger: ApplyTrigger,
    stage: RejectStage,
    problems: readonly string[],
  ): Promise<ApplyOutcome> {
    return this.#serial(async () => this.#reject(trigger, stage, problems));
  }

  policy(): { policy: Policy; meta: PolicyMeta } | null {
    return this.#current && { policy: this.#current.policy, meta: this.#current.meta };
  }

  status(): DaemonStatus {
    return {
      pid: process.pid,
      startedAt: this.#startedAt,
      policyPath: this.#o.policyPath,
      enforcer: this.#o.enforcer.status(),
      lastApply: this.#last,
      seal: this.#o.seal?.() ?? { kind: "off" },
    };
  }

  /** Reports an event from outside the Enforcer (a refused tamper attempt) like a decision. */
  report(event: DecisionEvent): void {
    this.#onEvent(event);
  }

  recentEvents(): readonly DecisionEvent[] {
    return [...this.#recent];
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async uninstall(): Promise<void> {
    await this.#serial(() => this.#o.enforcer.uninstall());
    this.#current = null;
  }

  async stop(): Promise<void> {
    await this.#queue;
    await this.#o.enforcer.stop();
  }

  #serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(job, job);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #onEvent(e: DecisionEvent): void {
    this.#recent.push(e);
    if (this.#recent.length > RECENT_EVENTS) this.#recent.shift();
    for (const f of this.#listeners) f(e);
  }

  async #apply(texts: readonly PolicyText[], trigger: ApplyTrigger): Promise<ApplyOutcome> {
    const loaded = loadPolicy(texts, this.#o.resolver());
    if (loaded.kind === "error") return this.#unresolvable(texts, trigger, loaded.problems);
    const time = new Date().toISOString();
    const cur = this.#current;
    // Same text is not enough: a restarted service has a new cgroup id, a
    // replaced file a new inode, so "unchanged" compares what was resolved.
    const resolved = fingerprint(loaded.policy);
    if (cur && cur.meta.hash === loaded.hash && cur.resolved === resolved && !FORCED.has(trigger)) {
      const unchanged: ApplyOutcome = { kind: "unchanged", policy: cur.meta, trigger, time };
      // The periodic re-resolve finds nothing new almost always: not worth a log line.
      return trigger === "identity" ? unchanged : this.#record(unchanged);
    }
    const meta = { name: loaded.policy.name, hash: loaded.hash, generation: this.#generation + 1 };
    const r = await this.#switch(loaded.policy, meta);
    if (r.kind === "rejected") return this.#reject(trigger, r.stage, [r.reason]);
    this.#generation = r.policy.generation;
    this.#unresolved = null;
    writeGeneration(this.#o.stateDir, this.#generation);
    this.#current = { policy: loaded.policy, meta: r.policy, resolved, texts };
    const warnings = loaded.warnings;
    return this.#record({
      kind: "applied",
      policy: r.policy,
      trigger,
      time,
      durationMs: r.durationMs,
      warnings,
    });
  }

  /**
   * A check failure. The file's text is kept for the re-resolve, and its
   * retries fail quietly: the first rejection was logged and stays the last apply.
   */
  #unresolvable(
    texts: readonly PolicyText[],
    trigger: ApplyTrigger,
    problems: readonly string[],
  ): ApplyOutcome {
    const retry = trigger === "identity" && texts === this.#unresolved;
    if (FROM_FILE.has(trigger)) this.#unresolved = texts;
    if (!retry) return this.#reject(trigger, "check", problems);
    const current = this.#current?.meta ?? null;
    const time = new Date().toISOString();
    return { kind: "rejected", stage: "check", problems, trigger, time, current };
  }

  /**
   * The policy switch, between the seal switches' prepare (the tighter of the
   * old and new switches) and settle: while it happens nothing is more open
   * than under either policy, and a failed apply leaves the old switches.
   */
  async #switch(policy: Policy, meta: PolicyMeta): Promise<ApplyResult> {
    const switches = this.#o.sealSwitches;
    const problem = switches?.prepare(policy) ?? null;
    if (problem !== null)
      return {
        kind: "rejected",
        stage: "kernel",
        reason: problem,
        current: this.#current?.meta ?? null,
      };
    let r: ApplyResult | undefined;
    try {
      r = await this.#o.enforcer.apply(policy, meta);
      return r;
    } finally {
      switches?.settle(r?.kind === "applied");
    }
  }

  #reject(trigger: ApplyTrigger, stage: RejectStage, problems: readonly string[]): ApplyOutcome {
    const current = this.#current?.meta ?? null;
    const time = new Date().toISOString();
    return this.#record({ kind: "rejected", stage, problems, trigger, time, current });
  }

  #record(outcome: ApplyOutcome): ApplyOutcome {
    this.#last = outcome;
    const log = this.#o.log;
    if (outcome.kind === "rejected")
      log.error(
        { apply: outcome },
        `apply rejected at ${outcome.stage}; previous policy stays in force`,
      );
    else log.info({ apply: outcome }, `apply ${outcome.kind}`);
    this.#o.onApply?.(outcome);
    return outcome;
  }
}
