// The agent's side of the fleet. It re-applies the cached last good bundle at
// start, then watches <prefix>/bundles/ and applies the newest bundle that
// targets this host, verifies and checks, through the daemon's own apply path
// (all-or-nothing). Refusals (bad signature, replay, expired, invalid policy)
// are reported, never applied. Without etcd it keeps what it has.
import type { Etcd3, IKeyValue, Watcher } from "etcd3";
import type { Logger } from "pino";
import type { ApplyOutcome, ApplyTrigger } from "../agent/apply-outcome.js";
import type { DaemonStatus } from "../agent/daemon.js";
import type { PolicyText } from "../agent/policy-files.js";
import {
  parseEnvelope,
  ReplayGuard,
  type SignedEnvelope,
  type TrustedKeys,
} from "../signing/index.js";
import { BundleCache } from "./bundle-cache.js";
import { bundleSha256, checkBundle, type BundleCheck } from "./bundle-check.js";
import * as layout from "./layout.js";
import type { AppliedBundle, HostStatus, ProgramHash, Refusal } from "./model.js";
import { formatLabels, hostLabels, type Labels } from "./selector.js";
import { StatusReporter } from "./status-reporter.js";
import { healthOf } from "./health.js";
import { join } from "node:path";

/** What the fleet needs from the daemon: its apply path and its status. */
export interface FleetTarget {
  applyText(texts: readonly PolicyText[], trigger: ApplyTrigger): Promise<ApplyOutcome>;
  status(): DaemonStatus;
}

export interface FleetAgentOptions {
  readonly client: Etcd3;
  readonly prefix: string;
  readonly host: string;
  readonly labels: Labels;
  readonly trusted: TrustedKeys;
  readonly stateDir: string;
  readonly target: FleetTarget;
  readonly log: Logger;
  readonly heartbeatMs: number;
  readonly leaseTtlS: number;
  /** The enforcer's loaded-program hashes, when it reports them. */
  readonly programs: () => readonly ProgramHash[] | null;
  /** Why etcd failed, for the log (see ReporterOptions.describeFailure). */
  readonly describeFailure?: (e: unknown) => Promise<string | null>;
}

const KEEP_REFUSALS = 10;

export class FleetAgent {
  readonly #o: FleetAgentOptions;
  readonly #labels: Labels;
  readonly #guard: ReplayGuard;
  readonly #cache: BundleCache;
  readonly #reporter: StatusReporter;
  readonly #known = new Map<number, string>();
  /** Refused bundles, by key version and text, so each is reported once. */
  readonly #refused = new Set<string>();
  readonly #refusals: Refusal[] = [];
  readonly #startedAt = new Date().toISOString();
  #applied: AppliedBundle | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #watcher: Watcher | null = null;
  #closed = false;

  constructor(o: FleetAgentOptions) {
    this.#o = o;
    this.#labels = hostLabels(o.host, o.labels);
    this.#guard = new ReplayGuard(join(o.stateDir, "fleet", "replay.json"));
    this.#cache = new BundleCache(join(o.stateDir, "fleet", "bundle.json"));
    this.#reporter = new StatusReporter({ ...o, snapshot: () => this.snapshot() });
  }

  /** Applies the cache first (etcd may be gone), then watches; never waits for etcd. */
  async start(): Promise<void> {
    await this.#serial(() => this.#applyCache());
    this.#reporter.start();
    void this.#watch();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#watcher?.cancel().catch(() => undefined);
    await this.#queue;
    await this.#reporter.close();
  }

  get applied(): AppliedBundle | null {
    return this.#applied;
  }

  snapshot(): HostStatus {
    const d = this.#o.target.status();
    return {
      host: this.#o.host,
      labels: Object.fromEntries([...this.#o.labels]),
      engine: d.enforcer.kind,
      applied: this.#applied,
      health: healthOf(d.enforcer.state, this.#applied),
      errors: [...this.#refusals],
      heartbeat: new Date().toISOString(),
      startedAt: this.#startedAt,
      pid: process.pid,
      programs: this.#o.programs() === null ? null : [...(this.#o.programs() ?? [])],
    };
  }

  async #watch(): Promise<void> {
    const dir = layout.bundlesDir(this.#o.prefix);
    const w = await this.#o.client.watch().prefix(dir).create();
    if (this.#closed) return void (await w.cancel());
    this.#watcher = w;
    w.on("put", (kv) => this.#onPut(kv));
    w.on("error", (e) => this.#o.log.warn({ err: String(e) }, "fleet: watch error"));
    w.on("disconnected", () => this.#o.log.warn("fleet: etcd unreachable; enforcing what we have"));
    // A reconnect may have missed puts (or etcd came back from a backup): read all.
    w.on("connected", () => void this.#resync());
    await this.#resync();
  }

  async #resync(): Promise<void> {
    try {
      const all = await this.#o.client.getAll().prefix(layout.bundlesDir(this.#o.prefix)).strings();
      for (const [key, text] of Object.entries(all)) {
        const v = layout.versionOfKey(this.#o.prefix, key);
        if (v !== null) this.#known.set(v, text);
      }
      await this.#serial(async () => {
        await this.#evaluate(null);
        this.#confirmCache();
      });
    } catch (e) {
      this.#o.log.warn({ err: String(e) }, "fleet: resync failed; will retry on reconnect");
    }
  }

  #onPut(kv: IKeyValue): void {
    const v = layout.versionOfKey(this.#o.prefix, kv.key.toString());
    if (v === null) return;
    this.#known.set(v, kv.value.toString());
    void this.#serial(() => this.#evaluate(v));
  }

  #serial(job: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(job).catch((e: unknown) => {
      this.#o.log.error({ err: String(e) }, "fleet: internal error");
    });
    this.#queue = next;
    return next;
  }

  /**
   * Tries bundles newer than the last applied, newest first, until one
   * applies. `fresh` is a version just put: an old one is a replay attempt
   * and is reported even though it is not newer.
   */
  async #evaluate(fresh: number | null): Promise<void> {
    const last = this.#guard.last;
    if (fresh !== null && fresh <= last && fresh !== this.#applied?.version)
      this.#consider(fresh, this.#known.get(fresh) ?? "");
    const newer = [...this.#known.keys()].filter((v) => v > last).sort((a, b) => b - a);
    for (const v of newer) {
      const check = this.#consider(v, this.#known.get(v) ?? "");
      if (check?.kind !== "apply") continue;
      if (await this.#apply(check.bundle, "etcd")) break;
      this.#refused.add(`${v}:${this.#known.get(v) ?? ""}`);
    }
  }

  /** Checks one bundle; reports a refusal once. Null when it was refused before. */
  #consider(version: number, text: string): BundleCheck | null {
    const id = `${version}:${text}`;
    if (this.#refused.has(id)) return null;
    const check = checkBundle(text, version, {
      labels: this.#labels,
      trusted: this.#o.trusted,
      now: new Date(),
      lastVersion: this.#guard.last,
    });
    if (check.kind === "refused") {
      this.#refused.add(id);
      this.#refuse(version, check.code, check.message);
    }
    return check;
  }

  async #apply(b: SignedEnvelope, source: AppliedBundle["source"]): Promise<boolean> {
    const file = `fleet-bundle-v${b.version}.yaml`;
    const outcome = await this.#o.target.applyText([{ file, text: b.policy }], "fleet");
    if (outcome.kind === "rejected") {
      this.#refuse(b.version, `invalid-${outcome.stage}`, outcome.problems.join("; "));
      return false;
    }
    const appliedAt = new Date().toISOString();
    if (source === "etcd") this.#cache.write({ bundle: b, appliedAt });
    if (b.version > this.#guard.last) this.#guard.record(b.version);
    const p = outcome.policy;
    this.#applied = {
      version: b.version,
      bundleSha256: bundleSha256(b),
      policyHash: p.hash,
      policyName: p.name,
      mode: this.#mode(),
      appliedAt,
      source,
    };
    this.#o.log.info({ version: b.version, source, host: this.#o.host }, "fleet: bundle applied");
    this.#reporter.report();
    return true;
  }

  /** A bundle re-applied from the cache counts as from etcd once etcd holds the same one. */
  #confirmCache(): void {
    const a = this.#applied;
    if (a?.source !== "cache") return;
    const parsed = parseEnvelope(this.#known.get(a.version) ?? "", "etcd");
    if (parsed.kind !== "ok" || bundleSha256(parsed.envelope) !== a.bundleSha256) return;
    this.#applied = { ...a, source: "etcd" };
    this.#reporter.report();
  }

  #mode(): string {
    const s = this.#o.target.status().enforcer.state;
    return s.kind === "enforcing" ? s.mode : "none";
  }

  async #applyCache(): Promise<void> {
    const read = this.#cache.read();
    if (read.kind === "empty") return;
    if (read.kind === "damaged")
      return this.#refuse(null, "cache-damaged", read.problems.join("; "));
    const { bundle, appliedAt } = read.cached;
    // Verified as of when it was applied: an expiry since then must not turn
    // enforcement off on a host that has lost etcd.
    const check = checkBundle(JSON.stringify(bundle), bundle.version, {
      labels: this.#labels,
      trusted: this.#o.trusted,
      now: new Date(appliedAt),
      lastVersion: Math.min(this.#guard.last, bundle.version - 1),
    });
    if (check.kind === "apply" && bundle.version >= this.#guard.last)
      await this.#apply(bundle, "cache");
    else if (check.kind === "refused")
      this.#refuse(bundle.version, `cache-${check.code}`, check.message);
    else
      this.#refuse(
        bundle.version,
        "cache-stale",
        `cached bundle ${bundle.version} no longer targets ${formatLabels(this.#labels)} or is older than ${this.#guard.last}`,
      );
  }

  #refuse(version: number | null, code: string, message: string): void {
    this.#o.log.error({ version, code, host: this.#o.host }, `fleet: bundle refused: ${message}`);
    this.#refusals.push({ version, code, message, time: new Date().toISOString() });
    if (this.#refusals.length > KEEP_REFUSALS) this.#refusals.shift();
    this.#reporter.report();
  }
}
