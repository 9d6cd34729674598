// Loads self_protect.bpf.o, attaches every hook, pins links and maps under one
// bpffs directory, records what must be guarded, and seals. Order matters:
// hooks are attached before the seal so the claim can happen, and the guarded
// ids and pins are recorded before the seal so nothing is open once it holds.
import {
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmdirSync,
  unlinkSync,
} from "node:fs";
import { join } from "node:path";
import { BpfObject, RingBufferReader, type BpfLink, type BpfMap } from "../kernel/index.js";
import { encodeFileKey } from "../abi/file-key.js";
import { fileKeyOf } from "../identity/file.js";
import { bpfObjectPath } from "../paths.js";
import { kernelRodata, kernelShape } from "../enforce/kernel-shape.js";
import { EventLog } from "./event-log.js";
import type { PinnedObject } from "./pin-check.js";
import {
  PinKind,
  decodeTamperEvent,
  encodeObjectKey,
  type ObjectKey,
  type PinKindName,
  type Seal,
  type TamperEvent,
} from "./records.js";
import { sealAgent, setSealSwitches, unsealAgent, type SealPolicy } from "./seal.js";

/** The agent pins self-protection in `<pin root>/protect`, beside `<pin root>/enforce`. */
export const DEFAULT_PIN_DIR = "/sys/fs/bpf/proofwall/protect";
/** Maps that are pinned (the others, like .bss, are only guarded by id). */
const PINNED_MAPS = ["pw_seal", "pw_guarded_objs", "pw_guarded_pins", "pw_tamper_evts"] as const;
const PRESENT = Buffer.from([1]);
/** Tamper events kept for waitFor(); older ones are only counted. */
const KEPT_EVENTS = 10_000;

export interface SelfProtectOptions {
  readonly pinDir?: string;
  readonly objectPath?: string;
}

export class SelfProtect implements AsyncDisposable {
  readonly log = new EventLog<TamperEvent>(KEPT_EVENTS);
  readonly guardedIds: ObjectKey[] = [];
  readonly pins: string[] = [];
  private readonly pinnedObjects: PinnedObject[] = [];
  private sealed: Seal | undefined;
  private readonly links: BpfLink[] = [];
  private reader: RingBufferReader | undefined;
  /** Holding the directory keeps the bpffs superblock (and so the pins) alive after a lazy unmount. */
  private dirFd = -1;

  private constructor(
    private readonly object: BpfObject,
    readonly pinDir: string,
  ) {}

  /** Loads, attaches and pins; nothing is enforced until seal(). */
  static start(opts: SelfProtectOptions = {}): SelfProtect {
    const object = BpfObject.open(opts.objectPath ?? bpfObjectPath("self_protect"));
    const sp = new SelfProtect(object, opts.pinDir ?? DEFAULT_PIN_DIR);
    try {
      object.setRodata(kernelRodata("self_protect", kernelShape())).load();
      sp.attachAll();
      sp.pinAll();
      sp.guardOwnObjects();
      sp.reader = new RingBufferReader(object.map("pw_tamper_evts"), (r) =>
        sp.log.push(decodeTamperEvent(r)),
      ).start();
      return sp;
    } catch (err) {
      sp.teardown();
      throw err;
    }
  }

  map(name: string): BpfMap {
    return this.object.map(name);
  }

  /** Adds an object (of this or another Proofwall program) to what only the agent may touch. */
  guard(key: ObjectKey): void {
    this.object.map("pw_guarded_objs").update(encodeObjectKey(key), PRESENT);
    this.guardedIds.push(key);
  }

  /** Guards one pinned object (nobody else may open it) or directory (nor change its entries). */
  guardPin(path: string, kind: PinKindName): void {
    const value = Buffer.from([PinKind[kind]]);
    this.object.map("pw_guarded_pins").update(encodeFileKey(fileKeyOf(path)), value);
  }

  /** Guards `dir`, every directory under it and every pin in them; returns how many. */
  guardTree(dir: string): number {
    this.guardPin(dir, "dir");
    let count = 1;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (lstatSync(path).isDirectory()) {
        count += this.guardTree(path);
      } else {
        this.guardPin(path, "object");
        count++;
      }
    }
    return count;
  }

  /**
   * Makes this process the only one that may touch Proofwall. `root` is the
   * directory every guarded pin lives under; its bpffs may not be unmounted.
   */
  seal(policy: readonly SealPolicy[] = [], root = this.pinDir): Seal {
    this.sealed = sealAgent(this.object.map("pw_seal"), fileKeyOf(root), policy);
    return this.sealed;
  }

  /** Changes the switches of the seal in force (an apply relaxed or tightened them). */
  setSwitches(policy: readonly SealPolicy[]): void {
    if (this.sealed === undefined) throw new Error("seal switches: not sealed");
    this.sealed = setSealSwitches(this.object.map("pw_seal"), policy);
  }

  unseal(): void {
    if (this.sealed === undefined) return;
    unsealAgent(this.object.map("pw_seal"));
    this.sealed = undefined;
  }

  get isSealed(): boolean {
    return this.sealed !== undefined;
  }

  /** This object's own pins and the ids they must name (for checkPins after the seal). */
  ownPins(): readonly PinnedObject[] {
    return [...this.pinnedObjects];
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.unseal();
    await this.reader?.close();
    this.teardown();
  }

  private attachAll(): void {
    for (const program of this.object.programs()) this.links.push(program.attachLsm());
  }

  private pinAll(): void {
    mkdirSync(this.pinDir, { recursive: true });
    if (readdirSync(this.pinDir).length > 0)
      throw new Error(`pin under ${this.pinDir}: not empty (another agent, or stale pins)`);
    this.dirFd = openSync(this.pinDir, constants.O_RDONLY | constants.O_DIRECTORY);
    this.guardPin(this.pinDir, "dir");
    for (const name of PINNED_MAPS) {
      const map = this.map(name);
      this.pinned(join(this.pinDir, name), "map", map.id, (p) => map.pin(p));
    }
    for (const [i, link] of this.links.entries()) {
      const prog = this.object.programs()[i]?.name ?? `link${i}`;
      this.pinned(join(this.pinDir, `link_${prog}`), "link", link.id, (p) => link.pin(p));
    }
  }

  private pinned(path: string, kind: PinnedObject["kind"], id: number, pin: (p: string) => void) {
    pin(path);
    this.pins.push(path);
    this.pinnedObjects.push({ path, kind, id });
    this.guardPin(path, "object");
  }

  private guardOwnObjects(): void {
    for (const m of this.object.maps()) this.guard({ kind: "map", id: m.id });
    for (const p of this.object.programs()) this.guard({ kind: "prog", id: p.id });
    for (const l of this.links) this.guard({ kind: "link", id: l.id });
  }

  /** Unpins and detaches; only works unsealed (or as the agent). */
  private teardown(): void {
    for (const path of this.pins.splice(0)) unlinkSync(path);
    this.pinnedObjects.splice(0);
    for (const link of this.links.splice(0)) link[Symbol.dispose]();
    if (this.dirFd >= 0) {
      closeSync(this.dirFd);
      this.dirFd = -1;
      rmdirSync(this.pinDir);
    }
    this.object[Symbol.dispose]();
  }
}
