// Loads the enforce_* objects, attaches their programs and owns the policy
// maps: open -> resize -> rodata -> load -> attach, in libbpf's order. The
// first object creates the shared maps, the others reuse them, so every hook
// reads one policy. Nothing here attaches unless attach() is called. An
// engine can also be adopted from pins left by an earlier agent: the same maps
// and links, with no reload and no second attach.
import { BpfObject, RingBufferReader, type BpfMap } from "../kernel/index.js";
import { bpfObjectPath } from "../paths.js";
import type { MapImage } from "../compile/image.js";
import { Generations, type GenerationMap, type PolicyMapSet } from "./generations.js";
import { kernelRodata, kernelShape, programLoads, type KernelShape } from "./kernel-shape.js";
import { decodeDecision, type PwDecision } from "../abi/decision.js";
import { adoptPins, pinAll, pinnedObjects, unpinAll, type NamedLink } from "./pins.js";
import type { PinnedObject } from "../protect/pin-check.js";
import type { ObjectKey } from "../protect/records.js";
import { readFileSync } from "node:fs";
import { sha256 } from "../verifier/certificate/index.js";
import type { BuildRecord, LiveProgram } from "./attestation.js";

/** The hook families, one object each; the first one owns the shared maps. */
export const ENFORCE_OBJECTS = [
  "enforce_file",
  "enforce_net",
  "enforce_sock",
  "enforce_proc",
] as const;
export const SHARED_MAPS = [
  "pw_control",
  "pw_config",
  "pw_objects",
  "pw_rules",
  "pw_net",
  "pw_decisions",
  "pw_rate",
  "pw_counters",
] as const;
export type SharedMapName = (typeof SHARED_MAPS)[number];

export interface EngineOptions {
  /** Capacity of pw_rules and pw_objects, shared by both generations. */
  readonly maxRules?: number;
  readonly maxObjects?: number;
  /** Minimum time between two events of one process and rule. */
  readonly eventIntervalNs?: bigint;
  /** The kernel to load for; by default the running one's (tests take hooks away). */
  readonly kernelShape?: KernelShape;
}

export type EngineMaps = PolicyMapSet & {
  readonly decisions: BpfMap;
  readonly counters: BpfMap;
};

export class Engine implements AsyncDisposable {
  private reader: RingBufferReader | undefined;
  private readonly ruleIds: (readonly string[])[] = [[], []];
  #generations: Generations | undefined;

  private constructor(
    private readonly objects: BpfObject[],
    private readonly shared: ReadonlyMap<string, BpfMap>,
    private readonly attached: NamedLink[],
    /** "loaded" by this process, or "adopted" from an earlier agent's pins. */
    readonly origin: "loaded" | "adopted",
  ) {}

  static load(options: EngineOptions = {}): Engine {
    const shape = options.kernelShape ?? kernelShape();
    const objects: BpfObject[] = [];
    try {
      for (const name of ENFORCE_OBJECTS) {
        const obj = BpfObject.open(bpfObjectPath(name));
        const owner = objects[0];
        objects.push(obj); // disposed below if anything fails from here on
        for (const p of obj.programs())
          if (!programLoads(p.section, shape)) obj.skipProgram(p.name);
        if (owner) for (const m of SHARED_MAPS) obj.reuseMap(m, owner.map(m));
        else
          obj
            .resizeMap("pw_rules", options.maxRules ?? 1 << 18)
            .resizeMap("pw_objects", options.maxObjects ?? 1 << 16);
        obj.setRodata({
          pw_event_interval_ns: options.eventIntervalNs ?? 1_000_000_000n,
          ...kernelRodata(name, shape),
        });
        obj.load();
      }
    } catch (err) {
      for (const o of objects) o[Symbol.dispose]();
      throw err;
    }
    const first = objects[0];
    if (!first) throw new Error("load enforce objects: none configured");
    const shared = new Map(SHARED_MAPS.map((m) => [m, first.map(m)] as const));
    return new Engine(objects, shared, [], "loaded");
  }

  /** The engine an earlier agent pinned under `dir`, or null when nothing is pinned there. */
  static adopt(dir: string): Engine | null {
    const pins = adoptPins(dir, SHARED_MAPS);
    return pins && new Engine([], pins.maps, pins.links, "adopted");
  }

  private get generations(): Generations {
    this.#generations ??= new Generations(this.maps);
    return this.#generations;
  }

  get maps(): EngineMaps {
    const m = (name: SharedMapName) => {
      const map = this.shared.get(name);
      if (!map) throw new Error(`engine: map ${name} missing`);
      return map;
    };
    return {
      control: m("pw_control"),
      config: m("pw_config"),
      objects: m("pw_objects"),
      rules: m("pw_rules"),
      net: m("pw_net"),
      decisions: m("pw_decisions"),
      counters: m("pw_counters"),
    };
  }

  /** Attaches every program of every object (LSM hooks). */
  attach(): this {
    for (const obj of this.objects)
      for (const p of obj.programs()) this.attached.push({ name: p.name, link: p.attachLsm() });
    return this;
  }

  /** Pins maps and links under `dir`, so enforcement outlives this process. */
  pin(dir: string): void {
    pinAll(dir, this.shared, this.attached);
  }

  /** Removes the pins under `dir`; enforcement ends when this engine is disposed. */
  unpin(dir: string): void {
    unpinAll(dir);
  }

  /** Writes `image` beside the active policy and switches to it atomically. */
  apply(image: MapImage): number {
    const gen = this.generations.switchTo(image);
    this.ruleIds[gen] = image.ruleIds;
    return gen;
  }

  /** Tells the engine the rule ids of a generation written by an earlier agent. */
  rememberRuleIds(gen: number, ids: readonly string[]): void {
    this.ruleIds[gen] = ids;
  }

  get generation(): number {
    return this.generations.active;
  }

  /** How many entries generation `gen` holds in each policy map. */
  entries(gen: number): Readonly<Record<GenerationMap, number>> {
    return this.generations.entries(gen);
  }

  /** The rule id of a reported rule index in generation `gen`. */
  ruleId(gen: number, index: number | null): string | null {
    return index === null ? null : (this.ruleIds[gen]?.[index] ?? `#${index}`);
  }

  /** Starts delivering decisions; `consume()` drains what is already there. */
  onDecision(handler: (d: PwDecision) => void): RingBufferReader {
    this.reader ??= new RingBufferReader(this.maps.decisions, (r) =>
      handler(decodeDecision(r)),
    ).start();
    return this.reader;
  }

  /** The attached programs by name, with their link ids. */
  hooks(): readonly { readonly name: string; readonly linkId: number }[] {
    return this.attached.map((a) => ({ name: a.name, linkId: a.link.id }));
  }

  /** The program behind each attached link, as the kernel reports it now. */
  livePrograms(): LiveProgram[] {
    return this.attached.map((a) => ({ name: a.name, tag: a.link.program().tag }));
  }

  /** bpf_stats of each attached program (counted while run-time stats are on). */
  runStats(): { readonly program: string; readonly timeNs: bigint; readonly runs: bigint }[] {
    return this.attached.map((a) => {
      const info = a.link.program();
      return { program: a.name, timeNs: info.runTimeNs, runs: info.runCount };
    });
  }

  /** What this engine loaded: each object's file hash and each program's tag. */
  buildRecord(): BuildRecord {
    if (this.origin !== "loaded") throw new Error("build record: an adopted engine loaded nothing");
    const objects = ENFORCE_OBJECTS.map((name) => ({
      name,
      sha256: sha256(readFileSync(bpfObjectPath(name))),
    }));
    const programs = this.objects.flatMap((obj, i) =>
      obj
        .programs()
        .map((p) => ({ name: p.name, object: ENFORCE_OBJECTS[i] ?? "?", tag: p.info().tag })),
    );
    return { objects, programs };
  }

  /**
   * Every map, program and link of this engine by kernel id, for
   * self-protection. An adopted engine knows its programs through its links
   * and only its pinned maps: the objects' .rodata is frozen by libbpf and
   * their .bss is never read, so neither can change a decision.
   */
  objectIds(): ObjectKey[] {
    const maps = this.objects.flatMap((o) => o.maps().map((m) => m.id));
    for (const m of this.shared.values()) maps.push(m.id);
    const progs =
      this.origin === "loaded"
        ? this.objects.flatMap((o) => o.programs().map((p) => p.id))
        : this.attached.map((a) => a.link.programId);
    return [
      ...[...new Set(maps)].map((id) => ({ kind: "map" as const, id })),
      ...progs.map((id) => ({ kind: "prog" as const, id })),
      ...this.attached.map((a) => ({ kind: "link" as const, id: a.link.id })),
    ];
  }

  /**
   * Programs of the enforce objects that have no link here. Always none for a
   * loaded engine; an adopted one has only the links it found pinned, and a
   * pin removed while no agent was sealed takes its hook with it.
   */
  missingHooks(): string[] {
    if (this.origin === "loaded") return [];
    const attached = new Set(this.attached.map((a) => a.name));
    const shape = kernelShape();
    const expected = ENFORCE_OBJECTS.flatMap((name) => {
      using obj = BpfObject.open(bpfObjectPath(name)); // read from the file, never loaded
      return obj
        .programs()
        .filter((p) => programLoads(p.section, shape))
        .map((p) => p.name);
    });
    return expected.filter((name) => !attached.has(name));
  }

  /** The pins under `dir` (as pin() made them) and the ids they must name. */
  pinnedObjects(dir: string): PinnedObject[] {
    return pinnedObjects(dir, this.shared, this.attached);
  }

  /** Detaches every program; the maps stay until dispose. */
  detach(): void {
    for (const a of this.attached.splice(0)) a.link[Symbol.dispose]();
  }

  /** Releases this process's handles. Pinned links and maps stay in the kernel. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.detach();
    await this.reader?.close();
    this.reader = undefined;
    for (const o of this.objects) o[Symbol.dispose]();
    if (this.origin === "adopted") for (const m of this.shared.values()) m[Symbol.dispose]();
  }
}
