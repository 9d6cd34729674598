// An explain query names things as an operator does (user names, paths,
// host:port); the Request decide() takes holds what the kernel would see
// (uids, cgroup ids, device+inode keys). This resolves one into the other on
// the agent's machine, through the same Resolver the policy was checked with.
import { realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { FileKey } from "../abi/file-key.js";
import type { FileIdentity, Request, Resolver, SubjectIdentity } from "../policy/index.js";
import {
  LOGINUID_UNSET,
  SOCKET_FAMILIES,
  SOCKET_TYPES,
  assertNever,
  capabilityNumber,
  parseIp,
} from "../policy/index.js";
import type { Accounts } from "./accounts.js";
import type { ExplainQuery } from "./wire.js";

export type Resolved =
  | { readonly kind: "ok"; readonly request: Request }
  | { readonly kind: "error"; readonly reason: string };

class QueryError extends Error {}
const fail = (reason: string): never => {
  throw new QueryError(`explain: ${reason}`);
};

export interface ExplainDeps {
  readonly resolver: Resolver;
  readonly accounts: Accounts;
  /** The cgroup v2 mount point, e.g. /sys/fs/cgroup. */
  readonly cgroupRoot: string;
}

const NO_EXE: FileKey = { dev: 0, ino: 0n };

function keyOf(deps: ExplainDeps, path: string): FileKey {
  const f = deps.resolver.file(path);
  return f.kind === "found" ? f.key : fail(`${path}: ${f.why}`);
}

/**
 * The file and its directories up to /, nearest first, by name: stat(2) of a
 * mount point gives the mounted root, which the kernel's walk meets just
 * before it crosses. The walk also meets the directory a mount covers and, for
 * a bind mount, its source's directories: no path here reaches those.
 */
function fileIdentity(deps: ExplainDeps, path: string, mustExist: boolean): FileIdentity {
  const self = deps.resolver.file(path);
  if (self.kind === "missing" && mustExist) fail(`${path}: ${self.why}`);
  let real: string;
  try {
    real =
      self.kind === "found"
        ? realpathSync(path)
        : join(realpathSync(dirname(path)), basename(path));
  } catch {
    return fail(`${dirname(path)}: no such directory`);
  }
  const ancestors: FileKey[] = [];
  for (let d = dirname(real); ; d = dirname(d)) {
    ancestors.push(keyOf(deps, d));
    if (d === "/") break;
  }
  return { self: self.kind === "found" ? self.key : null, ancestors };
}

function cgroupChain(deps: ExplainDeps, q: ExplainQuery): bigint[] {
  let path = q.cgroup ?? deps.cgroupRoot;
  if (q.service !== undefined) {
    const s = deps.resolver.service(q.service);
    if (s.kind !== "running")
      fail(`service ${q.service}: ${s.kind === "unknown" ? "no such unit" : "not running"}`);
    else path = s.cgroup;
  }
  const ids: bigint[] = [];
  for (let p = path; ; p = dirname(p)) {
    const c = deps.resolver.cgroup(p);
    if (c.kind === "missing") return fail(`cgroup ${p}: ${c.why}`);
    ids.unshift(c.id);
    if (c.level === 0) return ids;
  }
}

function subjectOf(deps: ExplainDeps, q: ExplainQuery): SubjectIdentity {
  const user =
    deps.accounts.find(q.user ?? q.loginUser ?? "root") ?? fail(`unknown user ${q.user ?? ""}`);
  const login = q.loginUser ?? q.user;
  const loginuid =
    login === undefined
      ? LOGINUID_UNSET
      : (deps.accounts.find(login) ?? fail(`unknown user ${login}`)).uid;
  return {
    uid: user.uid,
    gid: user.gid,
    groups: user.groups,
    loginuid,
    cgroups: cgroupChain(deps, q),
    exe: q.exe === undefined ? NO_EXE : keyOf(deps, q.exe),
  };
}

function host(text: string): { family: 4 | 6; addr: bigint } {
  return parseIp(text) ?? fail(`${text}: expected an IPv4 or IPv6 address`);
}

function hostPort(text: string): { family: 4 | 6; addr: bigint; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  const ip = m?.[1] === undefined ? null : parseIp(m[1]);
  const port = Number(m?.[2]);
  if (ip === null || !(port >= 1 && port <= 65535))
    return fail(`${text}: expected address:port or [v6]:port`);
  return { ...ip, port };
}

type Body = Request extends infer R ? (R extends Request ? Omit<R, "subject"> : never) : never;

function bodyOf(deps: ExplainDeps, r: ExplainQuery["resource"]): Body {
  switch (r.kind) {
    case "open":
      return {
        kind: "file-open",
        operation: r.write ? "write" : "read",
        file: fileIdentity(deps, r.path, true),
      };
    case "file-op":
      return {
        kind: "file-op",
        operation: r.operation,
        file: fileIdentity(deps, r.path, r.operation !== "create"),
      };
    case "connect":
      if (r.protocol === "icmp")
        return { kind: "connect", ...host(r.target), port: 0, protocol: "icmp" };
      return { kind: "connect", ...hostPort(r.target), protocol: r.protocol };
    case "exec":
      return { kind: "exec", target: { kind: "file", file: fileIdentity(deps, r.path, true) } };
    case "exec-memfd":
      return { kind: "exec", target: { kind: "memfd" } };
    case "exec-anonymous-memory":
      return { kind: "exec", target: { kind: "anonymous-memory" } };
    case "socket": {
      const family =
        (SOCKET_FAMILIES as Record<string, number>)[r.family] ??
        fail(`unknown socket family ${r.family}`);
      const type =
        (SOCKET_TYPES as Record<string, number>)[r.type] ?? fail(`unknown socket type ${r.type}`);
      return { kind: "socket-create", family, type };
    }
    case "unix":
      return { kind: "unix-connect", socket: keyOf(deps, r.path) };
    case "capability":
      return {
        kind: "capability",
        cap: capabilityNumber(r.name) ?? fail(`unknown capability ${r.name}`),
      };
    case "ptrace":
      return { kind: "ptrace", mode: r.mode };
    case "mount":
    case "module-load":
      return { kind: r.kind };
    default:
      return assertNever(r);
  }
}

export function resolveQuery(deps: ExplainDeps, q: ExplainQuery): Resolved {
  try {
    return {
      kind: "ok",
      request: { ...bodyOf(deps, q.resource), subject: subjectOf(deps, q) } as Request,
    };
  } catch (e) {
    if (e instanceof QueryError) return { kind: "error", reason: e.message };
    throw e;
  }
}
