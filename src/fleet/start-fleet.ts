// `proofwall agent --fleet ...`: turns the agent's fleet options into a
// running FleetAgent. run-agent.ts checks the options first thing, starts the
// fleet after the daemon has started and closes it on shutdown; nothing else
// in the agent knows about etcd.
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { Enforcer } from "../agent/enforcer.js";
import { loadTrustedKeys, type TrustedKeys } from "../signing/index.js";
import { readFleetConnection, type EtcdAccessFiles, type FleetConnection } from "./etcd-access.js";
import { connectEtcd } from "./etcd-client.js";
import { describeEtcdFailure } from "./etcd-failure.js";
import { FleetAgent, type FleetTarget } from "./fleet-agent.js";
import { parseLabels, type Labels } from "./selector.js";

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

/** The agent's fleet options, read and checked: what startFleet needs and nothing unchecked. */
export interface CheckedFleet {
  readonly options: FleetOptions;
  readonly conn: FleetConnection;
  readonly labels: Labels;
  readonly trusted: TrustedKeys;
}

/**
 * Throws on bad options (url, TLS files, labels, trusted keys, timing). The
 * agent calls it before its enforcer loads anything, so a typo in a path
 * stops it before it touches the kernel or the network.
 */
export function checkFleetOptions(o: FleetOptions): CheckedFleet {
  const conn = readFleetConnection(o.url, o.access);
  const labels = parseLabels(o.labels, "--labels");
  if (labels.kind === "error") throw new Error(labels.problems.join("\n"));
  const trusted = loadTrustedKeys(o.trustedKeys);
  if (o.heartbeatMs < 100 || o.leaseTtlS < 2 || o.leaseTtlS * 1000 < o.heartbeatMs * 2)
    throw new Error("agent: --fleet-ttl must be at least 2 s and twice --fleet-heartbeat");
  return { options: o, conn, labels: labels.value, trusted };
}

export async function startFleet(c: CheckedFleet, d: FleetDeps): Promise<FleetHandle> {
  const { options: o, conn } = c;
  const { url, access } = conn;
  const client = connectEtcd(url, access);
  const agent = new FleetAgent({
    client,
    prefix: url.prefix,
    host: o.host ?? hostname(),
    labels: c.labels,
    trusted: c.trusted,
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
