// Positions of the request space and the one concrete request that stands for
// each. A position is where the decision can change: a file key (with the
// operation, and whether it is the file or a directory above it), a resource
// item (a capability, a ptrace mode, "any" for mount and module load, memfd
// exec and anonymous executable memory), a socket family and type, or a
// network destination (net-positions.ts). The request built here names
// exactly one position, so decide() and the lookup model both decide it there
// (a network level is reached only where nothing deeper matches: its sources
// offer more requests to confirm with).
import type { FileKey } from "../../abi/file-key.js";
import { PwClass, PwExecItem, PwPtraceMode } from "../../abi/policy-records.js";
import type { PtraceMode } from "../../policy/model.js";
import type { Protocol } from "../../policy/schema-resources.js";
import type { FileIdentity, Request, SubjectIdentity } from "../../policy/request.js";
import { FILE_OPERATIONS } from "../../policy/schema-resources.js";

export type Position =
  | {
      readonly kind: "file";
      /** PwClass.files, exec or unix */
      readonly cls: number;
      readonly key: FileKey;
      readonly op: number;
      readonly ancestor: boolean;
    }
  | { readonly kind: "item"; readonly cls: number; readonly item: number }
  | { readonly kind: "socket"; readonly family: number; readonly type: number }
  | NetPosition;

/**
 * A destination class: the named prefix `addr/prefix` as one level of the
 * trie walk ("net-level"), or one address standing for every address with
 * the same named prefixes above it ("net-address", prefix: the deepest).
 * The port stands for its class; an icmp request is looked up with port 0.
 */
export interface NetPosition {
  readonly kind: "net-level" | "net-address";
  readonly family: 4 | 6;
  readonly addr: bigint;
  readonly prefix: number;
  readonly protocol: Protocol;
  readonly port: number;
}

const PTRACE_BY_ITEM = new Map<number, PtraceMode>(
  Object.entries(PwPtraceMode).map(([mode, item]) => [item, mode as PtraceMode]),
);

/** A request whose walk has exactly one named position: `p`. */
export function requestAt(p: Position, subject: SubjectIdentity, fresh: FileKey): Request {
  switch (p.kind) {
    case "file":
      return fileRequest(p, subject, fresh);
    case "socket":
      return { kind: "socket-create", family: p.family, type: p.type, subject };
    case "item":
      return itemRequest(p.cls, p.item, subject);
    case "net-level":
    case "net-address":
      return netRequest(p, p.addr, subject);
  }
}

export function netRequest(p: NetPosition, addr: bigint, subject: SubjectIdentity): Request {
  return { kind: "connect", family: p.family, addr, port: p.port, protocol: p.protocol, subject };
}

function fileRequest(
  p: Extract<Position, { kind: "file" }>,
  subject: SubjectIdentity,
  fresh: FileKey,
): Request {
  if (p.cls === PwClass.unix) return { kind: "unix-connect", socket: p.key, subject };
  const file: FileIdentity = p.ancestor
    ? { self: fresh, ancestors: [p.key] }
    : { self: p.key, ancestors: [] };
  if (p.cls === PwClass.exec) return { kind: "exec", target: { kind: "file", file }, subject };
  const operation = FILE_OPERATIONS[p.op] ?? "read";
  if (operation === "read" || operation === "write")
    return { kind: "file-open", operation, file, subject };
  return { kind: "file-op", operation, file, subject };
}

function itemRequest(cls: number, item: number, subject: SubjectIdentity): Request {
  switch (cls) {
    case PwClass.capabilities:
      return { kind: "capability", cap: item, subject };
    case PwClass.ptrace:
      return { kind: "ptrace", mode: PTRACE_BY_ITEM.get(item) ?? "read", subject };
    case PwClass.mount:
      return { kind: "mount", subject };
    case PwClass.moduleLoad:
      return { kind: "module-load", subject };
    case PwClass.exec: {
      const anonymous = item === PwExecItem.anonymousMemory;
      const target = anonymous
        ? ({ kind: "anonymous-memory" } as const)
        : ({ kind: "memfd" } as const);
      return { kind: "exec", target, subject };
    }
    default:
      throw new Error(`policy check: class ${cls} has no resource items`);
  }
}
