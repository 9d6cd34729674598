// What the kernel knows at a hook, as decide() receives it: resolved
// identities only (ids, cgroup ids, device+inode keys), never names or paths.
import type { FileKey } from "../abi/file-key.js";
import type { FileOperation, Protocol, PtraceMode, ResourceClass } from "./model.js";
import { assertNever } from "./issue.js";

export interface SubjectIdentity {
  /** Real uid and gid (bpf_get_current_uid_gid). */
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups, in the credential's order. */
  readonly groups: readonly number[];
  /** Audit login uid; LOGINUID_UNSET when the task never logged in. */
  readonly loginuid: number;
  /** cgroup ids from the root (index 0) down to the task's own cgroup (last). */
  readonly cgroups: readonly bigint[];
  /** The executable the task runs. */
  readonly exe: FileKey;
}

/** A file and the directories above it, nearest first, up to the root. */
export interface FileIdentity {
  /** Null when the file does not exist yet (create): `ancestors[0]` is its directory. */
  readonly self: FileKey | null;
  /**
   * The kernel walk's positions after the file: its directories in its own
   * filesystem up to that filesystem's root, then (opens and execs, whose
   * hooks know the mount) the directory the filesystem is mounted on and its
   * directories, mount by mount (docs/enforcement.md, "The walk across mounts").
   */
  readonly ancestors: readonly FileKey[];
}

type Body =
  | {
      readonly kind: "file-open";
      readonly operation: "read" | "write";
      readonly file: FileIdentity;
    }
  | {
      readonly kind: "file-op";
      readonly operation: Exclude<FileOperation, "read" | "write">;
      readonly file: FileIdentity;
    }
  | {
      readonly kind: "connect" | "sendmsg";
      readonly family: 4 | 6;
      readonly addr: bigint;
      /** For icmp, whatever port the caller passed: ICMP has none and no rule with ports matches it
       * (the kernel reports 0). */
      readonly port: number;
      /** icmp: ICMP, or ICMPv6 to an IPv6 destination (a ping socket). */
      readonly protocol: Protocol;
    }
  | { readonly kind: "socket-create"; readonly family: number; readonly type: number }
  | { readonly kind: "unix-connect"; readonly socket: FileKey }
  | { readonly kind: "capability"; readonly cap: number }
  | {
      readonly kind: "exec";
      readonly target:
        | { readonly kind: "file"; readonly file: FileIdentity }
        | { readonly kind: "memfd" }
        /** mmap or mprotect making memory that no linked file backs executable */
        | { readonly kind: "anonymous-memory" };
    }
  | { readonly kind: "ptrace"; readonly mode: PtraceMode }
  | { readonly kind: "mount" }
  | { readonly kind: "module-load" };

export type Request = Body & { readonly subject: SubjectIdentity };
export type RequestKind = Request["kind"];

/** The resource class whose rules and default posture decide a request. */
export function classOf(r: Request): ResourceClass {
  switch (r.kind) {
    case "file-open":
    case "file-op":
      return "files";
    case "connect":
    case "sendmsg":
      return "network";
    case "socket-create":
      return "sockets";
    case "unix-connect":
      return "unix";
    case "capability":
      return "capabilities";
    case "exec":
      return "exec";
    case "ptrace":
      return "ptrace";
    case "mount":
      return "mount";
    case "module-load":
      return "moduleLoad";
    default:
      return assertNever(r);
  }
}

/**
 * Whether the class default decides the request when no rule matches. Not for
 * anonymous executable memory: JIT runtimes (V8, the JVM) make it all the
 * time, so an exec default of deny would stop every one of them (the agent
 * included); only a rule decides it, and no rule allows it.
 */
export function hasClassDefault(r: Request): boolean {
  return r.kind !== "exec" || r.target.kind !== "anonymous-memory";
}
