// The options that say how to reach a fleet's etcd, shared by `proofwall agent`
// and every `proofwall fleet` command that talks to etcd, so both spell them
// the same way. A password is only ever read from a file: a command line is
// visible to every user of the host.
import type { Command } from "commander";
import type { EtcdAccessFiles } from "../fleet/etcd-access.js";

export const FLEET_URL_HELP = "etcd:// or etcds://host:port[,host:port]/prefix";

export interface FleetAccessOpts {
  fleetCa?: string;
  fleetCert?: string;
  fleetKey?: string;
  fleetAuthFile?: string;
}

export function addFleetAccessOptions(cmd: Command): Command {
  return cmd
    .option("--fleet-ca <pem>", "etcds://: the CA that signed the etcd servers' certificates")
    .option("--fleet-cert <pem>", "etcds://: client certificate (mutual TLS), with --fleet-key")
    .option("--fleet-key <pem>", "etcds://: the client certificate's private key")
    .option("--fleet-auth-file <file>", "etcds://: etcd user as one line user:password");
}

export function accessFiles(o: FleetAccessOpts): EtcdAccessFiles {
  return { ca: o.fleetCa, cert: o.fleetCert, key: o.fleetKey, authFile: o.fleetAuthFile };
}
