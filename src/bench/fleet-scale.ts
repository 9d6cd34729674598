// Fleet propagation at scale: one real etcd, N simulated agents spread over a
// few worker processes (src/bench/fleet-sim.ts), R signed bundles published one
// after another. For each, the time from just before the publish put until
// (a) each agent applied it (its own clock: same machine) and (b) the
// publisher saw each agent's status report it. Prints p50, p99 and max.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IKeyValue } from "etcd3";
import { generateSigningKey, trustedKeyLine, type SigningKey } from "../signing/index.js";
import { EtcdHarness } from "../fleet/etcd-harness.js";
import { parseFleetUrl } from "../fleet/fleet-url.js";
import { statusDir } from "../fleet/layout.js";
import { signBundle } from "../fleet/bundle-sign.js";
import { readEtcdAccess } from "../fleet/etcd-access.js";
import { connectEtcd } from "../fleet/etcd-client.js";
import { FleetStore } from "../fleet/store.js";

export interface ScaleOptions {
  readonly agents: number;
  readonly workers: number;
  readonly rounds: number;
  readonly fullApply: boolean;
  /** The entry script that runs a worker when given `--worker`. */
  readonly workerScript: string;
  readonly progress: (line: string) => void;
}

export interface RoundResult {
  readonly version: number;
  readonly appliedMs: readonly number[];
  readonly reportedMs: readonly number[];
}

const policy = (port: number) => `apiVersion: proofwall.dev/v1
kind: Policy
metadata: { name: scale-${port} }
spec:
  mode: enforce
  defaults: { network: deny }
  rules:
    - { id: web, action: allow, network: { cidrs: [10.0.0.0/8], ports: [${port}] } }
`;

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function startWorker(o: ScaleOptions, args: readonly string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [o.workerScript, "--worker", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (c: Buffer) => c.toString().includes("ready") && resolve(child));
    child.once("exit", (code) => reject(new Error(`worker exited ${code}`)));
  });
}

async function until(what: string, f: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function measureFleetScale(o: ScaleOptions): Promise<RoundResult[]> {
  const root = mkdtempSync(join(tmpdir(), "pw-fleet-scale-"));
  const etcd = await EtcdHarness.create();
  const key = generateSigningKey();
  const trustedFile = join(root, "trusted-keys");
  writeFileSync(trustedFile, `${trustedKeyLine(key.publicKey)}\n`);
  const url = etcd.fleetUrl("scale");
  const u = parseFleetUrl(url);
  const store = new FleetStore(connectEtcd(u, readEtcdAccess(u, {})), u.prefix);
  const workers: ChildProcess[] = [];
  try {
    const per = Math.ceil(o.agents / o.workers);
    for (let w = 0; w * per < o.agents; w++) {
      const args = [
        String(w * per),
        String(Math.min(per, o.agents - w * per)),
        url,
        trustedFile,
        root,
      ];
      workers.push(await startWorker(o, args));
      o.progress(`worker ${w}: ${Math.min(per, o.agents - w * per)} agents started`);
    }
    const live = async () => (await store.statuses()).hosts.length;
    await until(`${o.agents} agents reporting`, async () => (await live()) >= o.agents, 120000);
    o.progress(`${await live()} agents reporting`);
    return await runRounds(o, store, key);
  } finally {
    for (const w of workers) w.kill("SIGTERM");
    await Promise.all(
      workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once("exit", r)))),
    );
    store.close();
    await etcd.destroy();
    rmSync(root, { recursive: true, force: true });
  }
}

interface Round {
  readonly version: number;
  readonly t0: number;
  readonly applied: Map<string, number>;
  readonly reported: Map<string, number>;
}

function onStatus(round: Round | null, kv: IKeyValue): void {
  if (!round) return;
  const s = JSON.parse(kv.value.toString()) as {
    host: string;
    applied: { version: number; appliedAt: string } | null;
  };
  if (s.applied?.version !== round.version || round.reported.has(s.host)) return;
  round.reported.set(s.host, Date.now() - round.t0);
  round.applied.set(s.host, Date.parse(s.applied.appliedAt) - round.t0);
}

async function runRounds(
  o: ScaleOptions,
  store: FleetStore,
  key: SigningKey,
): Promise<RoundResult[]> {
  let round: Round | null = null;
  const watcher = await store.client.watch().prefix(statusDir(store.prefix)).create();
  watcher.on("put", (kv) => onStatus(round, kv));
  const results: RoundResult[] = [];
  try {
    for (let r = 1; r <= o.rounds; r++) {
      const bundle = signBundle(
        { policy: policy(1000 + r), source: "scale", version: r, selector: "", expiresAt: null },
        key,
      );
      const current: Round = {
        version: r,
        t0: Date.now(),
        applied: new Map(),
        reported: new Map(),
      };
      round = current;
      await store.publish(bundle);
      await until(`v${r} on every agent`, async () => current.reported.size >= o.agents, 120000);
      results.push({
        version: r,
        appliedMs: [...current.applied.values()],
        reportedMs: [...current.reported.values()],
      });
      o.progress(`round ${r}: ${current.reported.size} agents applied v${r}`);
      await new Promise((res) => setTimeout(res, 1000)); // let heartbeats settle
    }
  } finally {
    await watcher.cancel();
  }
  return results;
}

export function renderScale(
  agents: number,
  fullApply: boolean,
  rounds: readonly RoundResult[],
): string {
  const line = (label: string, v: readonly number[]) =>
    `${label.padEnd(28)} p50 ${percentile(v, 50).toFixed(0).padStart(6)} ms   p99 ${percentile(v, 99).toFixed(0).padStart(6)} ms   max ${Math.max(
      ...v,
    )
      .toFixed(0)
      .padStart(6)} ms`;
  const apply = fullApply ? "full apply (check + compile) per agent" : "stub apply";
  const out = [`fleet propagation, ${agents} agents, one etcd, ${rounds.length} bundles, ${apply}`];
  for (const r of rounds) out.push(line(`v${r.version} publish->applied`, r.appliedMs));
  out.push(
    line(
      "all publish->applied",
      rounds.flatMap((r) => r.appliedMs),
    ),
  );
  out.push(
    line(
      "all publish->reported",
      rounds.flatMap((r) => r.reportedMs),
    ),
  );
  return out.join("\n");
}
