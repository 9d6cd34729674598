// The contract between the agent daemon and a policy engine. The daemon owns
// policy files, hashing, generations and the control API; an Enforcer owns
// whatever makes a checked Policy take effect: kernel maps and LSM programs
// (src/enforce/, kind "kernel") or nothing but memory (NoKernelEnforcer, for
// hosts and fleet tests without BPF LSM). Every result is a union keyed on
// `kind`: callers switch on it and never test a boolean for a verdict.
import type { ProgramHash } from "../fleet/model.js";
import type { Logger } from "pino";
import type { FileKey } from "../abi/file-key.js";
import type { TamperEvent } from "../protect/records.js";
import type { Action, Mode, Policy, Protocol, Request, RequestKind } from "../policy/index.js";

/** Identifies one applied policy: what the operator sees in `proofwall status`. */
export interface PolicyMeta {
  readonly name: string;
  /** sha256 (hex) of the policy source text(s) the daemon read. */
  readonly hash: string;
  /** Increases by one on every successful apply; survives agent restarts via pins. */
  readonly generation: number;
}

export type StartResult =
  /** Nothing was in force: programs loaded and attached fresh, default-allow until apply. */
  | { readonly kind: "fresh" }
  /** Pinned programs and maps from a previous agent were adopted; `policy` stays in force. */
  | { readonly kind: "adopted"; readonly policy: PolicyMeta };

/** Where an apply failed. Whatever the stage, the previous policy stays in force. */
export type ApplyStage = "compile" | "capacity" | "verify" | "kernel";

export type ApplyResult =
  | {
      readonly kind: "applied";
      readonly policy: PolicyMeta;
      /** Wall time from apply() call to the atomic switch, for the latency histogram. */
      readonly durationMs: number;
    }
  | {
      readonly kind: "rejected";
      readonly stage: ApplyStage;
      /** Lowercase, prefixed with the step: "compile files: 70000 inodes exceed max 65536". */
      readonly reason: string;
      /** The policy still in force, or null when none was ever applied. */
      readonly current: PolicyMeta | null;
    };

/** One kernel hook (or, without a kernel, one request kind the policy covers). */
export interface HookStatus {
  readonly name: string;
  readonly state: "attached" | "adopted" | "detached";
}

export interface DecisionCount {
  readonly hook: string;
  readonly action: Action;
  readonly count: number;
}

/** How full a map is: operators size policies against `max`. */
export interface MapFill {
  readonly name: string;
  readonly entries: number;
  readonly max: number;
}

export type EnforcementState =
  | { readonly kind: "idle" }
  | { readonly kind: "enforcing"; readonly policy: PolicyMeta; readonly mode: Mode };

export interface EnforcerStatus {
  readonly kind: Enforcer["kind"];
  readonly state: EnforcementState;
  readonly hooks: readonly HookStatus[];
  readonly decisions: readonly DecisionCount[];
  readonly maps: readonly MapFill[];
  /** Events the ring buffer or a slow subscriber lost since start. */
  readonly eventsDropped: number;
}

/** What a decision was about, as far as the hook could name it. */
export type EventResource =
  | { readonly kind: "file"; readonly key: FileKey; readonly path: string | null }
  | {
      readonly kind: "address";
      readonly family: 4 | 6;
      /** Printable address ("10.0.0.5", "fd00::1"). */
      readonly addr: string;
      /** 0 for icmp, which has no port. */
      readonly port: number;
      /** As decided (icmp for ICMPv6 too); null for a protocol this agent does not know. */
      readonly protocol: Protocol | null;
    }
  | { readonly kind: "other"; readonly detail: string };

/** One reported decision (deny, audit, or allow when the engine reports allows). */
export interface DecisionEvent {
  /** Milliseconds since the epoch. */
  readonly time: number;
  /**
   * The request kind a policy hook decided, or the self-protection hook that
   * refused a tamper attempt (ruleId null; src/agent/tamper-event.ts).
   */
  readonly hook: RequestKind | TamperEvent["hook"];
  readonly action: Action;
  /** The deciding rule, or null when the class default decided. */
  readonly ruleId: string | null;
  readonly generation: number;
  readonly pid: number;
  readonly uid: number;
  readonly comm: string;
  /** The executable; the agent resolves it to a path when it can. */
  readonly exe: FileKey | null;
  /** The executable's path, when the engine could name it as the event arrived. */
  readonly exePath?: string | null;
  readonly cgroupId: bigint;
  readonly resource: EventResource;
}

/** The wire form fleet status carries; defined there with its schema. */
export type { ProgramHash };

export type EventListener = (event: DecisionEvent) => void;
export type Unsubscribe = () => void;

export type ExplainResult =
  /** Looked up the way the kernel does it, in the maps currently in force. */
  | {
      readonly kind: "live";
      readonly action: Action;
      /** The deciding rule, or null when the class default decided. */
      readonly ruleId: string | null;
      readonly policy: PolicyMeta;
    }
  | { readonly kind: "no-policy" };

export interface Enforcer {
  readonly kind: "kernel" | "no-kernel";
  /** Load and attach the programs, or adopt pinned ones from a previous agent without a gap. */
  start(): Promise<StartResult>;
  /**
   * Compile and validate completely, then switch atomically. On any failure the
   * previous policy stays in force and the result says why; only broken
   * invariants throw.
   */
  apply(policy: Policy, meta: PolicyMeta): Promise<ApplyResult>;
  status(): EnforcerStatus;
  /** Reported decisions, as they happen. A listener must not block. */
  subscribe(listener: EventListener): Unsubscribe;
  /** Decide against the live maps; optional: the daemon falls back to decide(). */
  explain?(request: Request): Promise<ExplainResult>;
  /**
   * The programs on the hooks as the kernel reports them, joined with the
   * certified objects they were loaded from (fleet attestation); optional:
   * engines without programs (no-kernel) leave it out.
   */
  programHashes?(): readonly ProgramHash[];
  /** Detach from user space only: pins stay and enforcement survives the agent. */
  stop(): Promise<void>;
  /** Detach programs and remove every pin and map: nothing is enforced afterwards. */
  uninstall(): Promise<void>;
}

export interface EnforcerOptions {
  /** The agent's --state-dir: where an engine may keep files (pins live in bpffs). */
  readonly stateDir: string;
  readonly log: Logger;
}
