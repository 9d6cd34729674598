// The agent's kernel engine: the Enforcer contract on top of Engine. start()
// adopts an earlier agent's pins or loads, attaches and pins fresh; apply()
// compiles, checks capacity, records the slot and switches; stop() lets go of
// the handles and leaves the pins, so enforcement outlives the agent.
import { join } from "node:path";
import { GENERATIONS } from "../abi/policy-records.js";
import { PathNamer } from "../agent/path-namer.js";
import type {
  ApplyResult,
  DecisionEvent,
  DecisionCount,
  Enforcer,
  EnforcerOptions,
  EnforcerStatus,
  EventListener,
  ExplainResult,
  MapFill,
  PolicyMeta,
  StartResult,
  Unsubscribe,
} from "../agent/enforcer.js";
import { compilePolicy, modelDecide, modelMaps, type MapImage } from "../compile/index.js";
import type { Policy, Request } from "../policy/index.js";
import { clearSlots, readSlot, writeSlot, type SlotRecord } from "./applied-slots.js";
import { readCounters } from "./counters.js";
import { decisionEvent, hookLabel } from "./decision-event.js";
import { Engine, ENFORCE_OBJECTS, type EngineOptions } from "./engine.js";
import { certificateGate, policyProblem, policySolver, type PolicyCheckMode } from "./gate.js";
import type { ScriptSolver } from "../verifier/smt/solver.js";
import type { PinnedObject } from "../protect/pin-check.js";
import type { ObjectKey } from "../protect/records.js";
import { readLiveImage } from "./live-image.js";
import { GENERATION_MAPS } from "./generations.js";
import type { ProgramHash } from "../fleet/model.js";
import {
  attest,
  clearBuildRecord,
  readBuildRecord,
  writeBuildRecord,
  type BuildRecord,
} from "./attestation.js";

export const DEFAULT_PIN_ROOT = "/sys/fs/bpf/proofwall";

export interface KernelEnforcerOptions extends EnforcerOptions {
  /** bpffs directory; the engine pins under `<pinRoot>/enforce`. */
  readonly pinRoot?: string;
  readonly engine?: EngineOptions;
  /** Shared with the control handlers, which name what arrived unnamed. */
  readonly namer?: PathNamer;
  /** The SMT proof that compiled maps mean the policy, before each write; "auto" by default. */
  readonly policyCheck?: PolicyCheckMode;
  /** Load objects whose certificate is missing, stale or unproved (logged as errors). */
  readonly allowUnverified?: boolean;
}

export interface GuardSet {
  readonly objects: readonly ObjectKey[];
  /** The directory tree of the engine's pins. */
  readonly pinDir: string;
  readonly pins: readonly PinnedObject[];
  /** Hooks of the enforce objects that nothing attaches (an adopted engine short of a link). */
  readonly missingHooks: readonly string[];
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class KernelEnforcer implements Enforcer {
  readonly kind = "kernel";
  readonly #o: KernelEnforcerOptions;
  readonly #pinDir: string;
  #engine: Engine | null = null;
  readonly #slots: (SlotRecord | null)[] = [null, null];
  readonly #listeners = new Set<EventListener>();
  #unknownEvents = 0;
  readonly #namer: PathNamer;
  #solver: ScriptSolver | null = null;
  #build: BuildRecord | null = null;

  constructor(options: KernelEnforcerOptions) {
    this.#o = options;
    this.#pinDir = join(options.pinRoot ?? DEFAULT_PIN_ROOT, "enforce");
    this.#namer = options.namer ?? new PathNamer();
  }

  get pinDir(): string {
    return this.#pinDir;
  }

  /** What self-protection must guard: every object by id, and the pins with their ids. */
  guardSet(): GuardSet {
    const engine = this.#live();
    return {
      objects: engine.objectIds(),
      pinDir: this.#pinDir,
      pins: engine.pinnedObjects(this.#pinDir),
      missingHooks: engine.missingHooks(),
    };
  }

  async start(): Promise<StartResult> {
    this.#solver = await policySolver(this.#o.policyCheck ?? "auto");
    const adopted = Engine.adopt(this.#pinDir);
    if (adopted) return this.#adopt(adopted);
    certificateGate(ENFORCE_OBJECTS, this.#o.allowUnverified === true, this.#o.log);
    const engine = Engine.load(this.#o.engine).attach();
    try {
      engine.pin(this.#pinDir);
    } catch (err) {
      await engine[Symbol.asyncDispose]();
      throw err;
    }
    clearSlots(this.#o.stateDir, GENERATIONS);
    this.#build = engine.buildRecord();
    writeBuildRecord(this.#o.stateDir, this.#build);
    this.#engine = engine;
    this.#listen(engine);
    return { kind: "fresh" };
  }

  #adopt(engine: Engine): StartResult {
    this.#engine = engine;
    this.#build = readBuildRecord(this.#o.stateDir);
    for (let s = 0; s < GENERATIONS; s++) {
      this.#slots[s] = readSlot(this.#o.stateDir, s);
      engine.rememberRuleIds(s, this.#slots[s]?.ruleIds ?? []);
    }
    this.#namer.indexTrees(this.#slots[engine.generation]?.trees ?? []);
    this.#listen(engine);
    const active = this.#slots[engine.generation];
    // Pins without a record: programs in force with the default posture only.
    if (!active) return { kind: "fresh" };
    return { kind: "adopted", policy: active.policy };
  }

  #listen(engine: Engine): void {
    void this.#namer.indexBinaries();
    const slots = {
      ruleId: (slot: number, rule: number | null) => engine.ruleId(slot, rule),
      generation: (slot: number) => this.#slots[slot]?.policy.generation ?? 0,
    };
    engine.onDecision((d) => {
      const event = decisionEvent(d, slots);
      if (!event) {
        this.#unknownEvents++;
        return;
      }
      for (const f of this.#listeners) f(this.#named(event));
    });
  }

  /** Names the executable and the file now, while the process may still be alive. */
  #named(event: DecisionEvent): DecisionEvent {
    const exePath = event.exe ? this.#namer.exe(event.pid, event.exe) : null;
    const r = event.resource;
    const resource = r.kind === "file" ? { ...r, path: this.#namer.file(r.key) } : r;
    return { ...event, exePath, resource };
  }

  #live(): Engine {
    if (!this.#engine) throw new Error("kernel enforcer: not started");
    return this.#engine;
  }

  async apply(policy: Policy, meta: PolicyMeta): Promise<ApplyResult> {
    const t0 = performance.now();
    const engine = this.#live();
    const current = this.#slots[engine.generation]?.policy ?? null;
    let image: MapImage;
    try {
      image = compilePolicy(policy);
    } catch (e) {
      return { kind: "rejected", stage: "compile", reason: `compile: ${errorText(e)}`, current };
    }
    const full = this.#capacityProblem(engine, image);
    if (full) return { kind: "rejected", stage: "capacity", reason: full, current };
    const wrong = this.#solver ? await policyProblem(policy, image, this.#solver) : null;
    if (wrong) return { kind: "rejected", stage: "verify", reason: wrong, current };
    const next = (engine.generation + 1) % GENERATIONS;
    const record: SlotRecord = {
      policy: meta,
      mode: policy.mode,
      ruleIds: image.ruleIds,
      trees: policyTrees(policy),
    };
    try {
      writeSlot(this.#o.stateDir, next, record);
      this.#namer.reset();
      this.#namer.indexTrees(record.trees); // before the switch: the new policy may refuse it
      const gen = engine.apply(image);
      this.#slots[gen] = record;
    } catch (e) {
      return { kind: "rejected", stage: "kernel", reason: `write maps: ${errorText(e)}`, current };
    }
    return { kind: "applied", policy: meta, durationMs: performance.now() - t0 };
  }

  /** Both generations share each map: the new one must fit beside the one in force. */
  #capacityProblem(engine: Engine, image: MapImage): string | null {
    const inForce = engine.entries(engine.generation);
    for (const m of GENERATION_MAPS) {
      const wanted = image[m].length;
      const max = engine.maps[m].maxEntries;
      if (inForce[m] + wanted > max)
        return `capacity pw_${m}: ${wanted} new entries + ${inForce[m]} in force exceed max ${max}`;
    }
    return null;
  }

  status(): EnforcerStatus {
    const engine = this.#engine;
    const active = engine ? this.#slots[engine.generation] : null;
    return {
      kind: this.kind,
      state: active
        ? { kind: "enforcing", policy: active.policy, mode: active.mode }
        : { kind: "idle" },
      hooks: engine ? this.#hooks(engine) : [],
      decisions: engine ? this.#decisions(engine) : [],
      maps: engine ? this.#fill(engine) : [],
      eventsDropped: this.#unknownEvents,
    };
  }

  #hooks(engine: Engine): EnforcerStatus["hooks"] {
    const state = engine.origin === "adopted" ? "adopted" : "attached";
    return engine.hooks().map((h) => ({ name: h.name, state }));
  }

  #decisions(engine: Engine): DecisionCount[] {
    const out: DecisionCount[] = [];
    for (const [hook, row] of Object.entries(readCounters(engine.maps.counters)))
      for (const [outcome, n] of Object.entries(row)) {
        if (n === 0n) continue;
        const action = outcome === "wouldDeny" ? "audit" : (outcome as DecisionCount["action"]);
        out.push({ hook: hookLabel(hook), action, count: Number(n) });
      }
    return out;
  }

  #fill(engine: Engine): MapFill[] {
    const byGeneration = Array.from({ length: GENERATIONS }, (_, g) => engine.entries(g));
    return GENERATION_MAPS.map((m) => ({
      name: `pw_${m}`,
      entries: byGeneration.reduce((sum, e) => sum + e[m], 0),
      max: engine.maps[m].maxEntries,
    }));
  }

  programHashes(): readonly ProgramHash[] {
    return this.#engine ? attest(this.#engine.livePrograms(), this.#build) : [];
  }

  subscribe(listener: EventListener): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Decides `request` from the maps in force, by the kernel's lookup procedure. */
  async explain(request: Request): Promise<ExplainResult> {
    const engine = this.#live();
    const active = this.#slots[engine.generation];
    if (!active) return { kind: "no-policy" };
    const image = readLiveImage(engine.maps, active.ruleIds);
    let live;
    try {
      live = modelDecide(modelMaps(image), request);
    } catch {
      return { kind: "no-policy" }; // a request class the lookup model does not cover yet
    }
    return {
      kind: "live",
      policy: active.policy,
      action: live.action,
      ruleId: engine.ruleId(engine.generation, live.rule),
    };
  }

  async stop(): Promise<void> {
    this.#listeners.clear();
    await this.#engine?.[Symbol.asyncDispose]();
    this.#engine = null;
  }

  async uninstall(): Promise<void> {
    const engine = this.#engine;
    engine?.unpin(this.#pinDir);
    await this.stop();
    clearSlots(this.#o.stateDir, GENERATIONS);
    clearBuildRecord(this.#o.stateDir);
    this.#build = null;
    this.#slots.fill(null);
  }
}

/** Directories whose files the policy's file and exec rules cover. */
function policyTrees(policy: Policy): string[] {
  const trees = new Set<string>();
  for (const r of policy.rules)
    if (r.resource.kind === "files" || r.resource.kind === "exec")
      for (const t of r.resource.targets) if (t.tree) trees.add(t.path);
  return [...trees];
}

export const createKernelEnforcer = (options: KernelEnforcerOptions): Enforcer =>
  new KernelEnforcer(options);
