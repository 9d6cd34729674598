// Codec for struct pw_event (bpf/include/pw_abi.h). The offsets are checked
// against the built object's BTF by event.test.ts, so a change to the C record
// that is not mirrored here fails the tests instead of corrupting events.

/** enum pw_hook */
export const Hook = { fileOpen: 1 } as const;
/** enum pw_verdict */
export const Verdict = { allow: 0, deny: 1, audit: 2 } as const;

export type HookName = keyof typeof Hook;
export type VerdictName = keyof typeof Verdict;

/** Byte offset of each field of struct pw_event, and its total size. */
export const EVENT_LAYOUT = {
  ts_ns: 0,
  cgroup_id: 8,
  ino: 16,
  dev: 24,
  pid: 28,
  tgid: 32,
  uid: 36,
  gid: 40,
  hook: 44,
  verdict: 48,
  pad: 52,
  comm: 56,
} as const;
export const EVENT_SIZE = 72;
const COMM_LEN = 16;

export interface PwEvent {
  readonly tsNs: bigint;
  readonly cgroupId: bigint;
  readonly ino: bigint;
  readonly dev: number;
  readonly pid: number;
  readonly tgid: number;
  readonly uid: number;
  readonly gid: number;
  readonly hook: HookName | `unknown(${number})`;
  readonly verdict: VerdictName | `unknown(${number})`;
  readonly comm: string;
}

function nameOf<T extends Record<string, number>>(
  table: T,
  value: number,
): keyof T | `unknown(${number})` {
  const hit = Object.entries(table).find(([, v]) => v === value);
  return hit ? (hit[0] as keyof T) : `unknown(${value})`;
}

export function decodeEvent(record: Buffer): PwEvent {
  if (record.length < EVENT_SIZE) {
    throw new Error(`decode pw_event: record is ${record.length} bytes, expected ${EVENT_SIZE}`);
  }
  const L = EVENT_LAYOUT;
  const comm = record.subarray(L.comm, L.comm + COMM_LEN);
  const nul = comm.indexOf(0);
  return {
    tsNs: record.readBigUInt64LE(L.ts_ns),
    cgroupId: record.readBigUInt64LE(L.cgroup_id),
    ino: record.readBigUInt64LE(L.ino),
    dev: record.readUInt32LE(L.dev),
    pid: record.readUInt32LE(L.pid),
    tgid: record.readUInt32LE(L.tgid),
    uid: record.readUInt32LE(L.uid),
    gid: record.readUInt32LE(L.gid),
    hook: nameOf(Hook, record.readUInt32LE(L.hook)) as PwEvent["hook"],
    verdict: nameOf(Verdict, record.readUInt32LE(L.verdict)) as PwEvent["verdict"],
    comm: comm.subarray(0, nul < 0 ? COMM_LEN : nul).toString("utf8"),
  };
}
