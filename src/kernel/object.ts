// A BPF object file as libbpf sees it, in bootstrap's order:
// open -> set rodata -> load -> (attach programs) -> dispose.
// libbpf performs CO-RE relocation against the running kernel's BTF at load.
import { basename } from "node:path";
import { callInt, callPtr } from "./call.js";
import { KernelError } from "./errors.js";
import { native, type Ptr } from "./ffi/libbpf.js";
import { BpfMap } from "./map.js";
import { BpfProgram } from "./program.js";
import { setRodata, type RodataValue } from "./rodata.js";

/** Per-program verifier log size; libbpf fills it only when a load fails. */
const VERIFIER_LOG_BYTES = 4 << 20;

export class BpfObject implements Disposable {
  private handle: Ptr;
  private loaded = false;
  private readonly logBuffers = new Map<string, Buffer>();
  readonly file: string;

  private constructor(handle: Ptr, path: string) {
    this.handle = handle;
    this.file = basename(path);
  }

  /** Opens an ELF object; nothing reaches the kernel until load(). */
  static open(path: string): BpfObject {
    const handle = callPtr(
      `open object ${path}`,
      () => native.bpf_object__open_file(path, null) as Ptr | null,
    );
    return new BpfObject(handle, path);
  }

  /** Sets `const volatile` globals; only valid before load(). */
  setRodata(values: Record<string, RodataValue>): this {
    if (this.loaded) throw new Error(`set rodata of ${this.file}: object already loaded`);
    const rodata = this.rawMaps().find((m) =>
      (native.bpf_map__name(m) as string).endsWith(".rodata"),
    );
    setRodata(this.live(), rodata, values);
    return this;
  }

  /** Sets a map's capacity before load (policies size their maps to fit). */
  resizeMap(name: string, maxEntries: number): this {
    if (this.loaded) throw new Error(`resize map ${name} of ${this.file}: object already loaded`);
    const raw = this.rawMap(name);
    callInt(`resize map ${name} of ${this.file} to ${maxEntries}`, () =>
      native.bpf_map__set_max_entries(raw, maxEntries),
    );
    return this;
  }

  /** Reuses existing maps (e.g. pinned by an earlier agent) instead of creating new ones. */
  reuseMap(name: string, map: BpfMap): this {
    const raw = this.rawMap(name);
    callInt(`reuse map ${name} of ${this.file}`, () => native.bpf_map__reuse_fd(raw, map.fd));
    return this;
  }

  /** Leaves the program `name` out of load() (and out of programs()); only valid before load(). */
  skipProgram(name: string): this {
    if (this.loaded) throw new Error(`skip program ${name} of ${this.file}: object already loaded`);
    const raw = this.rawPrograms().find((p) => native.bpf_program__name(p) === name);
    if (raw === undefined)
      throw new KernelError({ op: `find program ${name} in ${this.file}`, errno: 2 });
    callInt(`skip program ${name} of ${this.file}`, () =>
      native.bpf_program__set_autoload(raw, false),
    );
    return this;
  }

  /** Loads every program not skipped; on failure the KernelError carries the verifier log. */
  load(): this {
    for (const p of this.rawPrograms()) {
      const buf = Buffer.alloc(VERIFIER_LOG_BYTES);
      this.logBuffers.set(native.bpf_program__name(p) as string, buf);
      native.bpf_program__set_log_buf(p, buf, buf.length);
    }
    callInt(
      `load object ${this.file}`,
      () => native.bpf_object__load(this.live()),
      () => this.verifierLogs(),
    );
    this.loaded = true;
    this.logBuffers.clear();
    return this;
  }

  /** The programs load() loads (or loaded): every one not skipped. */
  programs(): BpfProgram[] {
    return this.rawPrograms()
      .filter((p) => native.bpf_program__autoload(p) as boolean)
      .map((p) => new BpfProgram(p));
  }

  program(name: string): BpfProgram {
    const found = this.programs().find((p) => p.name === name);
    if (!found) throw new KernelError({ op: `find program ${name} in ${this.file}`, errno: 2 });
    return found;
  }

  /** Maps of the loaded object; the object owns their file descriptors. */
  maps(): BpfMap[] {
    return this.rawMaps().map((m) => this.wrapMap(m));
  }

  map(name: string): BpfMap {
    return this.wrapMap(this.rawMap(name));
  }

  [Symbol.dispose](): void {
    if (this.handle === 0n) return;
    native.bpf_object__close(this.handle);
    this.handle = 0n;
  }

  private wrapMap(m: Ptr): BpfMap {
    const name = native.bpf_map__name(m) as string;
    const fd = callInt(`fd of map ${name} (is ${this.file} loaded?)`, () => native.bpf_map__fd(m));
    return new BpfMap(
      fd,
      {
        name,
        type: native.bpf_map__type(m) as number,
        keySize: native.bpf_map__key_size(m) as number,
        valueSize: native.bpf_map__value_size(m) as number,
        maxEntries: native.bpf_map__max_entries(m) as number,
      },
      false,
    );
  }

  private rawMap(name: string): Ptr {
    const found = this.rawMaps().find((m) => native.bpf_map__name(m) === name);
    if (found === undefined)
      throw new KernelError({ op: `find map ${name} in ${this.file}`, errno: 2 });
    return found;
  }

  private rawPrograms(): Ptr[] {
    return walk((prev) => native.bpf_object__next_program(this.live(), prev) as Ptr | null);
  }

  private rawMaps(): Ptr[] {
    return walk((prev) => native.bpf_object__next_map(this.live(), prev) as Ptr | null);
  }

  private verifierLogs(): string {
    return [...this.logBuffers]
      .map(
        ([name, buf]) =>
          [name, buf.subarray(0, Math.max(0, buf.indexOf(0))).toString("utf8")] as const,
      )
      .filter(([, log]) => log.length > 0)
      .map(([name, log]) => `-- verifier log of ${name} --\n${log}`)
      .join("\n");
  }

  private live(): Ptr {
    if (this.handle === 0n) throw new Error(`object ${this.file}: used after dispose`);
    return this.handle;
  }
}

/** Collects a libbpf iteration (next(obj, NULL), next(obj, prev), ... until NULL). */
function walk(next: (prev: Ptr | null) => Ptr | null): Ptr[] {
  const out: Ptr[] = [];
  for (let p = next(null); p !== null; p = next(p)) out.push(p);
  return out;
}
