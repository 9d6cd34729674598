// The first enforcement, end to end: file_guard.bpf.o denies opening one file
// to the processes of one cgroup and reports each denial. Steps follow
// bootstrap's order: open -> set rodata -> load -> fill maps -> attach.
import { BpfObject, RingBufferReader, type BpfLink } from "../kernel/index.js";
import { decodeEvent, type PwEvent } from "../abi/event.js";
import { encodeFileKey } from "../abi/file-key.js";
import { fileKeyOf } from "../identity/file.js";
import { cgroupIdOf } from "../identity/cgroup.js";
import { bpfObjectPath } from "../paths.js";

export interface FileGuardOptions {
  readonly protectedFile: string;
  readonly cgroupPath: string;
  /** Report but allow. */
  readonly audit?: boolean;
  readonly objectPath?: string;
}

const PRESENT = Buffer.from([1]);

export class FileGuard implements AsyncDisposable {
  readonly events: PwEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private link: BpfLink | undefined;

  private constructor(
    private readonly object: BpfObject,
    private readonly reader: RingBufferReader,
  ) {}

  static start(opts: FileGuardOptions): FileGuard {
    const object = BpfObject.open(opts.objectPath ?? bpfObjectPath("file_guard"));
    try {
      object.setRodata({ audit_only: opts.audit ?? false }).load();
      object
        .map("pw_protected_files")
        .update(encodeFileKey(fileKeyOf(opts.protectedFile)), PRESENT);
      const cgroupId = Buffer.alloc(8);
      cgroupId.writeBigUInt64LE(cgroupIdOf(opts.cgroupPath));
      object.map("pw_confined_cgroups").update(cgroupId, PRESENT);
      const guard: FileGuard = new FileGuard(
        object,
        new RingBufferReader(object.map("pw_events"), (record) =>
          guard.record(decodeEvent(record)),
        ),
      );
      guard.link = object.program("pw_file_open").attachLsm();
      guard.reader.start();
      return guard;
    } catch (err) {
      object[Symbol.dispose]();
      throw err;
    }
  }

  /** Resolves with the first event (already seen or future) that matches. */
  async waitForEvent(match: (e: PwEvent) => boolean, timeoutMs = 5000): Promise<PwEvent> {
    for (;;) {
      const hit = this.events.find(match);
      if (hit) return hit;
      const arrived = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => (this.waiters.delete(wake), resolve(false)), timeoutMs);
        const wake = (): void => (clearTimeout(timer), resolve(true));
        this.waiters.add(wake);
      });
      if (!arrived) throw new Error(`file guard: no matching event within ${timeoutMs} ms`);
    }
  }

  /** Detaches the LSM program; enforcement stops, the maps stay. */
  detach(): void {
    this.link?.[Symbol.dispose]();
    this.link = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.detach();
    await this.reader.close();
    this.object[Symbol.dispose]();
  }

  private record(event: PwEvent): void {
    this.events.push(event);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}
