// `etcd://host:port[,host:port...]/prefix`: the etcd endpoints and the key
// prefix a fleet lives under, so several fleets can share one etcd cluster.
export interface FleetUrl {
  readonly hosts: readonly string[];
  /** Without a trailing slash: "/proofwall/prod". */
  readonly prefix: string;
}

export function parseFleetUrl(text: string): FleetUrl {
  const m = /^etcd:\/\/([^/]+)(\/.*)?$/.exec(text);
  if (!m) throw new Error(`fleet url ${text}: expected etcd://host:port[,host:port]/prefix`);
  const endpoints = (m[1] ?? "").split(",");
  for (const e of endpoints)
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(e) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(e))
      throw new Error(`fleet url ${text}: endpoint "${e}": expected host:port`);
  const prefix = (m[2] ?? "/proofwall").replace(/\/+$/, "");
  if (prefix === "") throw new Error(`fleet url ${text}: the prefix must not be empty`);
  return { hosts: endpoints.map((e) => `http://${e}`), prefix };
}
