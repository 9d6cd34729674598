// The one place an etcd3 client is made: the agent, every `proofwall fleet`
// command, the tests and the benchmark all connect through connectEtcd, so
// timeouts, backoff and TLS are set the same way everywhere.
import { Etcd3, type IOptions } from "etcd3";
import { cappedBackoff } from "./backoff.js";
import type { EtcdAccess } from "./etcd-access.js";
import type { FleetUrl } from "./fleet-url.js";

/** Unary calls give up after 5 s (a command must not hang on a dead etcd); watches never do. */
export function etcdClientOptions(url: FleetUrl, access: EtcdAccess): IOptions {
  const { tls, auth } = access;
  return {
    hosts: [...url.hosts],
    dialTimeout: 3000,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + 5000 }),
    faultHandling: { watchBackoff: cappedBackoff(2000) },
    ...(tls === null
      ? {}
      : { credentials: { rootCertificate: tls.rootCertificate, ...tls.client } }),
    ...(auth === null ? {} : { auth: { username: auth.username, password: auth.password } }),
  };
}

export function connectEtcd(url: FleetUrl, access: EtcdAccess): Etcd3 {
  return new Etcd3(etcdClientOptions(url, access));
}
