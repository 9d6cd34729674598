// The request options of `proofwall explain` (and the no-kernel simulate used
// by tests): who asks, and exactly one resource.
import type { Command } from "commander";
import type { ExplainQuery } from "../agent/wire.js";

export interface ExplainOpts {
  user?: string;
  loginUser?: string;
  exe?: string;
  cgroup?: string;
  service?: string;
  open?: string;
  write?: boolean;
  create?: string;
  delete?: string;
  rename?: string;
  link?: string;
  setattr?: string;
  connect?: string;
  udp?: boolean;
  ping?: string;
  exec?: string;
  execMemfd?: boolean;
  execAnonymousMemory?: boolean;
  socket?: string;
  unix?: string;
  capability?: string;
  ptrace?: string;
  mount?: boolean;
  moduleLoad?: boolean;
}

export function resourceOptions(cmd: Command): Command {
  return cmd
    .option("--user <name|uid>", "the task's user (default root)")
    .option("--login-user <name|uid>", "the audit login user (default: --user)")
    .option("--exe <path>", "the executable the task runs")
    .option("--cgroup <path>", "the task's cgroup v2 directory")
    .option("--service <unit>", "the systemd unit the task runs in")
    .option("--open <path>", "open a file (for reading; with --write for writing)")
    .option("--write", "with --open: open for writing")
    .option("--create <path>", "create a file")
    .option("--delete <path>", "delete a file")
    .option("--rename <path>", "rename a file")
    .option("--link <path>", "hard-link a file")
    .option("--setattr <path>", "change a file's attributes")
    .option("--connect <addr:port>", "connect to an address ([v6]:port for IPv6)")
    .option("--udp", "with --connect: UDP instead of TCP")
    .option("--ping <addr>", "send an ICMP echo (ICMPv6 to an IPv6 address); ICMP has no port")
    .option("--exec <path>", "execute a program")
    .option("--exec-memfd", "execute a memfd")
    .option("--exec-anonymous-memory", "make anonymous memory executable (mmap, mprotect)")
    .option("--socket <family:type>", "create a socket, e.g. packet:raw")
    .option("--unix <path>", "connect to a unix socket")
    .option("--capability <name>", "use a capability, e.g. CAP_NET_RAW")
    .option("--ptrace <read|attach>", "ptrace another process")
    .option("--mount", "mount a filesystem")
    .option("--module-load", "load a kernel module");
}

function resources(o: ExplainOpts): ExplainQuery["resource"][] {
  const fileOps = (["create", "delete", "rename", "link", "setattr"] as const).flatMap((op) => {
    const path = o[op];
    return path === undefined ? [] : [{ kind: "file-op" as const, operation: op, path }];
  });
  const [family = "", type = ""] = (o.socket ?? "").split(":");
  const mode = o.ptrace;
  const ptrace: ExplainQuery["resource"][] =
    mode === "read" || mode === "attach" ? [{ kind: "ptrace", mode }] : [];
  return [
    ...(o.open === undefined
      ? []
      : [{ kind: "open" as const, path: o.open, write: o.write === true }]),
    ...fileOps,
    ...(o.connect === undefined
      ? []
      : [
          {
            kind: "connect" as const,
            target: o.connect,
            protocol: o.udp ? ("udp" as const) : ("tcp" as const),
          },
        ]),
    ...(o.ping === undefined
      ? []
      : [{ kind: "connect" as const, target: o.ping, protocol: "icmp" as const }]),
    ...(o.exec === undefined ? [] : [{ kind: "exec" as const, path: o.exec }]),
    ...(o.execMemfd ? [{ kind: "exec-memfd" as const }] : []),
    ...(o.execAnonymousMemory ? [{ kind: "exec-anonymous-memory" as const }] : []),
    ...(o.socket === undefined ? [] : [{ kind: "socket" as const, family, type }]),
    ...(o.unix === undefined ? [] : [{ kind: "unix" as const, path: o.unix }]),
    ...(o.capability === undefined ? [] : [{ kind: "capability" as const, name: o.capability }]),
    ...ptrace,
    ...(o.mount ? [{ kind: "mount" as const }] : []),
    ...(o.moduleLoad ? [{ kind: "module-load" as const }] : []),
  ];
}

/** The query, or why the options do not make one. */
export function queryOf(o: ExplainOpts): ExplainQuery | string {
  if (o.ptrace !== undefined && o.ptrace !== "read" && o.ptrace !== "attach")
    return `--ptrace ${o.ptrace}: expected read or attach`;
  const r = resources(o);
  const [only] = r;
  if (r.length !== 1 || only === undefined)
    return `give exactly one resource option (--open, --connect, --exec, ...), got ${r.length}`;
  const who = {
    user: o.user,
    loginUser: o.loginUser,
    exe: o.exe,
    cgroup: o.cgroup,
    service: o.service,
  };
  const q: Record<string, unknown> = { resource: only };
  for (const [k, v] of Object.entries(who)) if (v !== undefined) q[k] = v;
  return q as ExplainQuery;
}
