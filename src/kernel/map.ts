// A BPF map reached through its file descriptor: lookups, updates, batch
// updates, iteration, freezing and pinning. Keys and values are raw bytes;
// typed codecs live with the records they encode (src/kernel/abi).
import { unlinkSync } from "node:fs";
import { callInt } from "./call.js";
import { KernelError } from "./errors.js";
import { native } from "./ffi/libbpf.js";
import { mapTypeName, isPerCpuMapType } from "./map-types.js";
import { objectIdOfFd } from "./object-id.js";

const ENOENT = 2;

/** Flags of bpf_map_update_elem. */
export const UpdateFlags = { any: 0, noExist: 1, exist: 2 } as const;
export type UpdateFlag = (typeof UpdateFlags)[keyof typeof UpdateFlags];

export interface MapSpec {
  readonly name: string;
  readonly type: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
}

export class BpfMap implements Disposable, MapSpec {
  /** Bytes one value occupies in user space: per-CPU maps hold one 8-byte aligned slot per CPU. */
  readonly valueBytes: number;
  private closed = false;

  constructor(
    readonly fd: number,
    readonly spec: MapSpec,
    /** Whether this handle owns the fd (maps of a BpfObject are owned by the object). */
    private readonly ownsFd: boolean,
  ) {
    this.valueBytes = isPerCpuMapType(spec.type)
      ? Math.ceil(spec.valueSize / 8) * 8 * possibleCpus()
      : spec.valueSize;
  }

  get name(): string {
    return this.spec.name;
  }
  get type(): number {
    return this.spec.type;
  }
  get keySize(): number {
    return this.spec.keySize;
  }
  get valueSize(): number {
    return this.spec.valueSize;
  }
  get maxEntries(): number {
    return this.spec.maxEntries;
  }

  /** The map's kernel id (map->id), as bpftool shows it. */
  get id(): number {
    return objectIdOfFd(this.fd, `map ${this.name}`);
  }

  /** Creates a new map owned by the returned handle. */
  static create(spec: MapSpec): BpfMap {
    const fd = callInt(`create map ${spec.name} (${mapTypeName(spec.type)})`, () =>
      native.bpf_map_create(
        spec.type,
        spec.name,
        spec.keySize,
        spec.valueSize,
        spec.maxEntries,
        null,
      ),
    );
    return new BpfMap(fd, spec, true);
  }

  /** Opens a map pinned in bpffs, reading its shape from the kernel. */
  static openPinned(path: string): BpfMap {
    const fd = callInt(`open pinned map ${path}`, () => native.bpf_obj_get(path));
    const info = mapInfo(fd, path);
    return new BpfMap(fd, info, true);
  }

  lookup(key: Uint8Array): Buffer | undefined {
    this.checkKey(key);
    const value = Buffer.alloc(this.valueBytes);
    const ret = native.bpf_map_lookup_elem(this.fd, key, value) as number;
    if (ret === -ENOENT) return undefined;
    callInt(`lookup in map ${this.name}`, () => ret);
    return value;
  }

  update(key: Uint8Array, value: Uint8Array, flags: UpdateFlag = UpdateFlags.any): void {
    this.checkKey(key);
    this.checkValue(value);
    callInt(`update map ${this.name}`, () =>
      native.bpf_map_update_elem(this.fd, key, value, flags),
    );
  }

  /** Deletes a key; returns false when it was not there. */
  delete(key: Uint8Array): boolean {
    this.checkKey(key);
    const ret = native.bpf_map_delete_elem(this.fd, key) as number;
    if (ret === -ENOENT) return false;
    callInt(`delete from map ${this.name}`, () => ret);
    return true;
  }

  /** Writes many entries in one bpf() call; the kernel applies them in order. */
  updateBatch(
    entries: ReadonlyArray<readonly [Uint8Array, Uint8Array]>,
    flags: UpdateFlag = UpdateFlags.any,
  ): void {
    if (entries.length === 0) return;
    const keys = Buffer.concat(entries.map(([k]) => (this.checkKey(k), k)));
    const values = Buffer.concat(entries.map(([, v]) => (this.checkValue(v), v)));
    const count = [entries.length];
    const opts = Buffer.alloc(24); // struct bpf_map_batch_opts { size_t sz; u64 elem_flags; u64 flags; }
    opts.writeBigUInt64LE(24n, 0);
    opts.writeBigUInt64LE(BigInt(flags), 8);
    callInt(`batch update map ${this.name} (${entries.length} entries)`, () =>
      native.bpf_map_update_batch(this.fd, keys, values, count, opts),
    );
  }

  /** Iterates keys with get_next_key. Entries deleted meanwhile may restart the walk, as in the kernel. */
  *keys(): Generator<Buffer> {
    let prev: Buffer | null = null;
    for (;;) {
      const next = Buffer.alloc(this.keySize);
      const ret = native.bpf_map_get_next_key(this.fd, prev, next) as number;
      if (ret === -ENOENT) return;
      callInt(`iterate map ${this.name}`, () => ret);
      yield next;
      prev = next;
    }
  }

  *entries(): Generator<[Buffer, Buffer]> {
    for (const key of this.keys()) {
      const value = this.lookup(key);
      if (value) yield [key, value];
    }
  }

  /** Makes the map read-only for user space (bpf_map_freeze); programs may still write. */
  freeze(): void {
    callInt(`freeze map ${this.name}`, () => native.bpf_map_freeze(this.fd));
  }

  pin(path: string): void {
    callInt(`pin map ${this.name} at ${path}`, () => native.bpf_obj_pin(this.fd, path));
  }

  /** Removes a pin of this map; the map lives on while other references remain. */
  unpin(path: string): void {
    try {
      unlinkSync(path);
    } catch (err) {
      const errno = -((err as NodeJS.ErrnoException).errno ?? -5);
      throw new KernelError({ op: `unpin map ${this.name} at ${path}`, errno });
    }
  }

  [Symbol.dispose](): void {
    if (this.ownsFd && !this.closed) native.close(this.fd);
    this.closed = true;
  }

  private checkKey(key: Uint8Array): void {
    if (key.length !== this.keySize) {
      throw new KernelError({
        op: `map ${this.name}: key is ${key.length} bytes, map wants ${this.keySize}`,
        errno: 22,
      });
    }
  }

  private checkValue(value: Uint8Array): void {
    if (value.length !== this.valueBytes) {
      throw new KernelError({
        op: `map ${this.name}: value is ${value.length} bytes, map wants ${this.valueBytes}`,
        errno: 22,
      });
    }
  }
}

let cpus: number | undefined;
function possibleCpus(): number {
  cpus ??= callInt("count possible cpus", () => native.libbpf_num_possible_cpus());
  return cpus;
}

/** Reads struct bpf_map_info (type, id, key_size, value_size, max_entries, map_flags, name[16]). */
function mapInfo(fd: number, path: string): MapSpec {
  const info = Buffer.alloc(128);
  const len = [info.length];
  callInt(`read map info of ${path}`, () => native.bpf_obj_get_info_by_fd(fd, info, len));
  const name = info.subarray(24, 40).toString("latin1").replace(/\0.*$/s, "");
  return {
    name,
    type: info.readUInt32LE(0),
    keySize: info.readUInt32LE(8),
    valueSize: info.readUInt32LE(12),
    maxEntries: info.readUInt32LE(16),
  };
}
