// `proofwall agent --fleet ...`: turns the agent's fleet options into a
// running FleetAgent. run-agent.ts calls this after the daemon has started and
// closes it on shutdown; nothing else in the agent knows about etcd.
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { Enforcer } from "../agent/enforcer.js";
import { loadTrustedKeys } from "../signing/index.js";
import { readFleetConnection, type EtcdAccessFiles } from "./etcd-access.js";
import { connectEtcd } from "./etcd-client.js";
import { describeEtcdFailure } from "./etcd-failure.js";
import { FleetAgent, type FleetTarget } from "./fleet-agent.js";
import { parseLabels } from "./selector.js";

export interface FleetOptions {
  /** etcd:// or etcds://host:port[,host:port]/prefix */
  readonly url: string;
  /** --fleet-ca, --fleet-cert, --fleet-key, --fleet-auth-file */
  readonly access: EtcdAccessFiles;
  /** "role=db,env=prod" */
  readonly labels: string;
  /** The name this host reports under; null: the system host name. */
  readonly host: string | null;
  readonly trustedKeys: string;
  readonly heartbeatMs: number;
  readonly leaseTtlS: number;
}

export interface FleetHandle {
  close(): Promise<void>;
}

export interface FleetDeps {
  readonly target: FleetTarget;
  readonly enforcer: Enforcer;
  readonly stateDir: string;
  readonly log: Logger;
}

/** Throws on bad options (url, TLS files, labels, trusted keys) before touching the network. */
export async function startFleet(o: FleetOptions, d: FleetDeps): Promise<FleetHandle> {
  const conn = readFleetConnection(o.url, o.access);
  const { url, access } = conn;
  const labels = parseLabels(o.labels, "--labels");
  if (labels.kind === "error") throw new Error(labels.problems.join("\n"));
  const trusted = loadTrustedKeys(o.trustedKeys);
  if (o.heartbeatMs < 100 || o.leaseTtlS < 2 || o.leaseTtlS * 1000 < o.heartbeatMs * 2)
    throw new Error("agent: --fleet-ttl must be at least 2 s and twice --fleet-heartbeat");
  const client = connectEtcd(url, access);
  const agent = new FleetAgent({
    client,
    prefix: url.prefix,
    host: o.host ?? hostname(),
    labels: labels.value,
    trusted,
    stateDir: d.stateDir,
    target: d.target,
    log: d.log,
    heartbeatMs: o.heartbeatMs,
    leaseTtlS: o.leaseTtlS,
    programs: () => d.enforcer.programHashes?.() ?? null,
    describeFailure: (e) => describeEtcdFailure(e, conn, o.access),
  });
  await agent.start();
  return {
    async close() {
      await agent.close();
      client.close();
    },
  };
}
