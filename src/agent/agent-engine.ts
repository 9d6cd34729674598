// Which engine and which seal an agent starts with. The kernel parts (libbpf,
// self_protect) are imported only here and only for the kernel engine, so the
// no-kernel agent never loads FFI. An agent that finds the seal held by
// another process gets an engine that touches nothing and says why.
import type { Logger } from "pino";
import type { GuardSet } from "../enforce/kernel-enforcer.js";
import type { PolicyCheckMode } from "../enforce/gate.js";
import type { SealPolicy } from "../protect/seal.js";
import type { AgentSeal } from "./agent-seal.js";
import type { Enforcer } from "./enforcer.js";
import { NoKernelEnforcer } from "./no-kernel-enforcer.js";
import type { PathNamer } from "./path-namer.js";
import { SealedElsewhereEnforcer } from "./sealed-elsewhere-enforcer.js";

export interface EngineSetup {
  readonly kernel: boolean;
  readonly stateDir: string;
  readonly pinRoot: string;
  readonly policyCheck: PolicyCheckMode;
  readonly allowUnverified: boolean;
  readonly seal: boolean;
  readonly sealSwitches: readonly SealPolicy[];
  /** Capacity of pw_rules and pw_objects when the kernel engine loads fresh. */
  readonly mapCapacity?: { readonly maxRules: number; readonly maxObjects: number };
}

export interface AgentEngine {
  readonly enforcer: Enforcer;
  /** Null without the kernel engine. */
  readonly seal: AgentSeal | null;
  /** What the seal must guard; null when there is nothing to guard. */
  readonly guardSet: (() => GuardSet) | null;
}

export async function startEngine(
  o: EngineSetup,
  log: Logger,
  namer: PathNamer,
): Promise<AgentEngine> {
  if (!o.kernel) {
    if (o.seal) throw new Error("agent: --seal needs the kernel engine (drop --no-kernel)");
    return { enforcer: new NoKernelEnforcer(), seal: null, guardSet: null };
  }
  const { AgentSeal } = await import("./agent-seal.js");
  const seal = AgentSeal.prepare({
    pinRoot: o.pinRoot,
    stateDir: o.stateDir,
    log,
    seal: o.seal,
    switches: o.sealSwitches,
    allowUnverified: o.allowUnverified,
  });
  const blocked = seal.blockedReason;
  if (blocked !== null)
    return { enforcer: new SealedElsewhereEnforcer(o.stateDir, blocked), seal, guardSet: null };
  const { KernelEnforcer } = await import("../enforce/index.js");
  const enforcer = new KernelEnforcer({
    stateDir: o.stateDir,
    log,
    pinRoot: o.pinRoot,
    namer,
    policyCheck: o.policyCheck,
    allowUnverified: o.allowUnverified,
    ...(o.mapCapacity ? { engine: o.mapCapacity } : {}),
  });
  return { enforcer, seal, guardSet: () => enforcer.guardSet() };
}
