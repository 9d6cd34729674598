// The checked policy: names resolved to the identities the kernel sees
// (uids, gids, cgroup ids, device+inode keys), CIDRs normalized, defaults
// filled in. Plain data; decide() and the compiler read only this.
import type { FileKey } from "../abi/file-key.js";
import type { Cidr } from "./cidr.js";
import type { PortRange } from "./ports.js";
import type { FileOperation, Protocol, PtraceMode, ResourceClass } from "./schema-resources.js";
import type { SealRelaxation } from "./schema-self-protection.js";

export type { FileOperation, Protocol, PtraceMode, ResourceClass, SealRelaxation };

export type Action = "allow" | "deny" | "audit";
export type Posture = "allow" | "deny";
export type Mode = "enforce" | "audit";

export type Identity =
  | { readonly kind: "user"; readonly uid: number }
  | { readonly kind: "login-user"; readonly uid: number }
  | { readonly kind: "group"; readonly gid: number };

/** A cgroup v2 directory; `id` is null while a service has no cgroup (not running). */
export interface Placement {
  readonly path: string;
  readonly id: bigint | null;
  /** Levels below the cgroup root: /sys/fs/cgroup/system.slice/x.service is 2. */
  readonly level: number;
}

/** Every present field must match (AND); null fields match anything. */
export interface Subject {
  readonly identity: Identity | null;
  readonly placement: Placement | null;
  readonly exe: FileKey | null;
}

export const EVERYONE: Subject = { identity: null, placement: null, exe: null };

export interface FileTarget {
  readonly path: string;
  readonly key: FileKey;
  readonly tree: boolean;
}

export type Resource =
  | {
      readonly kind: "files";
      readonly targets: readonly FileTarget[];
      readonly operations: readonly FileOperation[];
    }
  | {
      readonly kind: "network";
      readonly cidrs: readonly Cidr[];
      readonly ports: readonly PortRange[] | null;
      readonly protocols: readonly Protocol[] | null;
    }
  | {
      readonly kind: "sockets";
      readonly families: readonly number[];
      readonly types: readonly number[] | null;
    }
  | { readonly kind: "unix"; readonly sockets: readonly FileKey[] }
  | { readonly kind: "capabilities"; readonly caps: readonly number[] }
  | {
      readonly kind: "exec";
      readonly targets: readonly FileTarget[];
      readonly memfd: boolean;
      /** making memory that no linked file backs executable */
      readonly anonymousMemory: boolean;
    }
  | { readonly kind: "ptrace"; readonly modes: readonly PtraceMode[] }
  | { readonly kind: "mount" }
  | { readonly kind: "moduleLoad" };

export interface Rule {
  readonly id: string;
  /** Position in the file; breaks ties between equally ranked rules (lower wins). */
  readonly index: number;
  readonly action: Action;
  /** Any of these (OR); never empty, [EVERYONE] when the policy omits subjects. */
  readonly subjects: readonly Subject[];
  readonly resource: Resource;
}

export interface Policy {
  readonly name: string;
  readonly mode: Mode;
  readonly defaults: Readonly<Record<ResourceClass, Posture>>;
  readonly rules: readonly Rule[];
  /**
   * spec.selfProtection.allow, without duplicates: seal switches this policy
   * turns off. Absent when the policy does not say (nothing is relaxed).
   */
  readonly sealAllow?: readonly SealRelaxation[];
}
