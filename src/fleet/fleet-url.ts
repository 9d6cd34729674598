// `etcd://host:port[,host:port...]/prefix` (plain) or `etcds://...` (TLS): the
// etcd endpoints and the key prefix a fleet lives under, so several fleets can
// share one etcd cluster.
export interface FleetUrl {
  readonly hosts: readonly string[];
  /** Without a trailing slash: "/proofwall/prod". */
  readonly prefix: string;
  /** etcds://: the endpoints speak TLS (https). */
  readonly tls: boolean;
}

export function parseFleetUrl(text: string): FleetUrl {
  const m = /^(etcds?):\/\/([^/]+)(\/.*)?$/.exec(text);
  if (!m)
    throw new Error(`fleet url ${text}: expected etcd:// or etcds://host:port[,host:port]/prefix`);
  const tls = m[1] === "etcds";
  const endpoints = (m[2] ?? "").split(",");
  for (const e of endpoints)
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(e) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(e))
      throw new Error(`fleet url ${text}: endpoint "${e}": expected host:port`);
  const prefix = (m[3] ?? "/proofwall").replace(/\/+$/, "");
  if (prefix === "") throw new Error(`fleet url ${text}: the prefix must not be empty`);
  const scheme = tls ? "https" : "http";
  return { hosts: endpoints.map((e) => `${scheme}://${e}`), prefix, tls };
}
