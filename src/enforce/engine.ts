// Loads the enforce_* objects, attaches their programs and owns the policy
// maps: open -> resize -> rodata -> load -> attach, in libbpf's order. The
// first object creates the shared maps, the others reuse them, so every hook
// reads one policy. Nothing here attaches unless start() is called.
import { BpfObject, RingBufferReader, type BpfLink, type BpfMap } from "../kernel/index.js";
import { bpfObjectPath } from "../paths.js";
import type { MapImage } from "../compile/image.js";
import { activeGeneration, switchTo, type PolicyMapSet } from "./generations.js";
import { kernelShape } from "./kernel-shape.js";
import { decodeDecision, type PwDecision } from "../abi/decision.js";

/** The hook families, one object each; the first one owns the shared maps. */
export const ENFORCE_OBJECTS = ["enforce_file"] as const;
const SHARED_MAPS = [
  "pw_control",
  "pw_config",
  "pw_objects",
  "pw_rules",
  "pw_decisions",
  "pw_rate",
  "pw_counters",
];

export interface EngineOptions {
  /** Capacity of pw_rules and pw_objects, shared by both generations. */
  readonly maxRules?: number;
  readonly maxObjects?: number;
  /** Minimum time between two events of one process and rule. */
  readonly eventIntervalNs?: bigint;
}

export class Engine implements AsyncDisposable {
  private readonly links: BpfLink[] = [];
  private reader: RingBufferReader | undefined;
  private readonly ruleIds: (readonly string[])[] = [[], []];

  private constructor(
    private readonly objects: BpfObject[],
    readonly maps: PolicyMapSet & { readonly decisions: BpfMap; readonly counters: BpfMap },
  ) {}

  static load(options: EngineOptions = {}): Engine {
    const shape = kernelShape();
    const objects: BpfObject[] = [];
    try {
      for (const name of ENFORCE_OBJECTS) {
        const obj = BpfObject.open(bpfObjectPath(name));
        const owner = objects[0];
        if (owner) for (const m of SHARED_MAPS) obj.reuseMap(m, owner.map(m));
        else
          obj
            .resizeMap("pw_rules", options.maxRules ?? 1 << 18)
            .resizeMap("pw_objects", options.maxObjects ?? 1 << 16);
        obj.setRodata({
          pw_event_interval_ns: options.eventIntervalNs ?? 1_000_000_000n,
          ...(name === "enforce_file" ? { setattr_dentry_arg: shape.setattrDentryArg } : {}),
        });
        objects.push(obj.load());
      }
    } catch (err) {
      for (const o of objects) o[Symbol.dispose]();
      throw err;
    }
    const first = objects[0];
    if (!first) throw new Error("load enforce objects: none configured");
    return new Engine(objects, {
      control: first.map("pw_control"),
      config: first.map("pw_config"),
      objects: first.map("pw_objects"),
      rules: first.map("pw_rules"),
      decisions: first.map("pw_decisions"),
      counters: first.map("pw_counters"),
    });
  }

  /** Attaches every program of every object (LSM hooks). */
  attach(): this {
    for (const obj of this.objects) for (const p of obj.programs()) this.links.push(p.attachLsm());
    return this;
  }

  /** Writes `image` beside the active policy and switches to it atomically. */
  apply(image: MapImage): number {
    const gen = switchTo(this.maps, image);
    this.ruleIds[gen] = image.ruleIds;
    return gen;
  }

  get generation(): number {
    return activeGeneration(this.maps);
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

  /** Detaches every program; the maps stay until dispose. */
  detach(): void {
    for (const l of this.links.splice(0)) l[Symbol.dispose]();
  }

  get attachedHooks(): number {
    return this.links.length;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.detach();
    await this.reader?.close();
    for (const o of this.objects) o[Symbol.dispose]();
  }
}
