// Does a rule match a request, and how specifically? Each function returns a
// rank tuple (bigger = more specific) or null for "no match". The tuple
// layouts are fixed per resource class, which is what makes the precedence a
// plain lexicographic comparison (docs/policy.md).
import type { FileKey } from "../abi/file-key.js";
import { cidrContains, unmapV4 } from "./cidr.js";
import { assertNever } from "./issue.js";
import { MAX_CGROUP_LEVEL, MAX_FILE_ANCESTORS, MAX_SUPPLEMENTARY_GROUPS } from "./limits.js";
import type { FileTarget, Identity, Resource, Subject } from "./model.js";
import type { Rank } from "./rank.js";
import type { FileIdentity, Request, SubjectIdentity } from "./request.js";

type NetRequest = Extract<Request, { kind: "connect" | "sendmsg" }>;

const sameKey = (a: FileKey, b: FileKey) => a.dev === b.dev && a.ino === b.ino;

/** login-user 3 > user 2 > group 1 > none 0. */
function identityRank(i: Identity | null, who: SubjectIdentity): number | null {
  if (i === null) return 0;
  switch (i.kind) {
    case "login-user":
      return who.loginuid === i.uid ? 3 : null;
    case "user":
      return who.uid === i.uid ? 2 : null;
    case "group": {
      const groups = who.groups.slice(0, MAX_SUPPLEMENTARY_GROUPS);
      return who.gid === i.gid || groups.includes(i.gid) ? 1 : null;
    }
    default:
      return assertNever(i);
  }
}

/** [executable given, placement level + 1 (0 = none), identity rank]. */
export function subjectRank(s: Subject, who: SubjectIdentity): Rank | null {
  const identity = identityRank(s.identity, who);
  if (identity === null) return null;
  if (s.exe !== null && !sameKey(s.exe, who.exe)) return null;
  let placement = 0;
  if (s.placement !== null) {
    const { id, level } = s.placement;
    if (id === null || level > MAX_CGROUP_LEVEL || who.cgroups[level] !== id) return null;
    placement = level + 1;
  }
  return [s.exe !== null ? 1 : 0, placement, identity];
}

/** Nearness of the best target: MAX+1 for the file itself, MAX for its directory, ... */
function fileNearness(targets: readonly FileTarget[], file: FileIdentity): number | null {
  let best: number | null = null;
  const ancestors = file.ancestors.slice(0, MAX_FILE_ANCESTORS);
  for (const t of targets) {
    if (file.self !== null && sameKey(t.key, file.self)) return MAX_FILE_ANCESTORS + 1;
    if (!t.tree) continue;
    const i = ancestors.findIndex((a) => sameKey(a, t.key));
    if (i >= 0 && (best === null || MAX_FILE_ANCESTORS - i > best)) best = MAX_FILE_ANCESTORS - i;
  }
  return best;
}

const given = (x: unknown) => (x === null ? 0 : 1);

/** ICMP has no port: a rule naming ports never covers it, whatever port the request carries. */
function portsCover(r: Extract<Resource, { kind: "network" }>, q: NetRequest): boolean {
  if (r.ports === null) return true;
  return q.protocol !== "icmp" && r.ports.some((p) => p.lo <= q.port && q.port <= p.hi);
}

function networkRank(r: Extract<Resource, { kind: "network" }>, q: Request): Rank | null {
  if (q.kind !== "connect" && q.kind !== "sendmsg") return null;
  if (r.protocols !== null && !r.protocols.includes(q.protocol)) return null;
  if (!portsCover(r, q)) return null;
  const dst = unmapV4(q.family, q.addr);
  const prefixes = r.cidrs
    .filter((c) => cidrContains(c, dst.family, dst.addr))
    .map((c) => c.prefix);
  if (prefixes.length === 0) return null;
  return [Math.max(...prefixes), given(r.ports), given(r.protocols)];
}

function fileRank(targets: readonly FileTarget[], file: FileIdentity): Rank | null {
  const n = fileNearness(targets, file);
  return n === null ? null : [n];
}

/** The resource part of the rank, or null when the rule's resource does not cover the request. */
export function resourceRank(r: Resource, q: Request): Rank | null {
  switch (r.kind) {
    case "files":
      if (q.kind !== "file-open" && q.kind !== "file-op") return null;
      return r.operations.includes(q.operation) ? fileRank(r.targets, q.file) : null;
    case "network":
      return networkRank(r, q);
    case "sockets":
      if (q.kind !== "socket-create" || !r.families.includes(q.family)) return null;
      return r.types === null || r.types.includes(q.type) ? [given(r.types)] : null;
    case "unix":
      return q.kind === "unix-connect" && r.sockets.some((k) => sameKey(k, q.socket)) ? [] : null;
    case "capabilities":
      return q.kind === "capability" && r.caps.includes(q.cap) ? [] : null;
    case "exec":
      if (q.kind !== "exec") return null;
      if (q.target.kind === "memfd") return r.memfd ? [MAX_FILE_ANCESTORS + 1] : null;
      if (q.target.kind === "anonymous-memory")
        return r.anonymousMemory ? [MAX_FILE_ANCESTORS + 1] : null;
      return fileRank(r.targets, q.target.file);
    case "ptrace":
      return q.kind === "ptrace" && r.modes.includes(q.mode) ? [] : null;
    case "mount":
      return q.kind === "mount" ? [] : null;
    case "moduleLoad":
      return q.kind === "module-load" ? [] : null;
    default:
      return assertNever(r);
  }
}
