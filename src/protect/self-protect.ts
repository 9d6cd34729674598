// Loads self_protect.bpf.o, attaches every hook, pins links and maps under one
// bpffs directory, records what must be guarded, and seals. Order matters:
// hooks are attached before the seal so the claim can happen, and the guarded
// ids and pins are recorded before the seal so nothing is open once it holds.
import {
  closeSync,
  constants,
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
import { EventLog } from "./event-log.js";
import {
  decodeTamperEvent,
  encodeObjectKey,
  type ObjectKey,
  type Seal,
  type TamperEvent,
} from "./records.js";
import { sealAgent, unsealAgent, type SealPolicy } from "./seal.js";

export const DEFAULT_PIN_DIR = "/sys/fs/bpf/proofwall";
/** Maps that are pinned (the others, like .bss, are only guarded by id). */
const PINNED_MAPS = ["pw_seal", "pw_guarded_objs", "pw_guarded_pins", "pw_tamper_evts"] as const;
const PRESENT = Buffer.from([1]);

export interface SelfProtectOptions {
  readonly pinDir?: string;
  readonly objectPath?: string;
}

export class SelfProtect implements AsyncDisposable {
  readonly log = new EventLog<TamperEvent>();
  readonly guardedIds: ObjectKey[] = [];
  readonly pins: string[] = [];
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
      object.load();
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

  /** Makes this process the only one that may touch Proofwall. */
  seal(policy: readonly SealPolicy[] = []): Seal {
    this.sealed = sealAgent(this.object.map("pw_seal"), fileKeyOf(this.pinDir), policy);
    return this.sealed;
  }

  unseal(): void {
    if (this.sealed === undefined) return;
    unsealAgent(this.object.map("pw_seal"));
    this.sealed = undefined;
  }

  get isSealed(): boolean {
    return this.sealed !== undefined;
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
    for (const name of PINNED_MAPS)
      this.pinned(join(this.pinDir, name), (p) => this.map(name).pin(p));
    for (const [i, link] of this.links.entries()) {
      const prog = this.object.programs()[i]?.name ?? `link${i}`;
      this.pinned(join(this.pinDir, `link_${prog}`), (p) => link.pin(p));
    }
  }

  private pinned(path: string, pin: (path: string) => void): void {
    pin(path);
    this.pins.push(path);
    this.object.map("pw_guarded_pins").update(encodeFileKey(fileKeyOf(path)), PRESENT);
  }

  private guardOwnObjects(): void {
    for (const m of this.object.maps()) this.guard({ kind: "map", id: m.id });
    for (const p of this.object.programs()) this.guard({ kind: "prog", id: p.id });
    for (const l of this.links) this.guard({ kind: "link", id: l.id });
  }

  /** Unpins and detaches; only works unsealed (or as the agent). */
  private teardown(): void {
    for (const path of this.pins.splice(0)) unlinkSync(path);
    for (const link of this.links.splice(0)) link[Symbol.dispose]();
    if (this.dirFd >= 0) {
      closeSync(this.dirFd);
      this.dirFd = -1;
      rmdirSync(this.pinDir);
    }
    this.object[Symbol.dispose]();
  }
}
