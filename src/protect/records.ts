// Codecs for the records of bpf/include/pw_protect.h. records.test.ts checks
// every offset, size and enum value against the BTF of self_protect.bpf.o.

/** enum pw_protect_hook */
export const ProtectHook = {
  bpf: 1,
  bpfMap: 2,
  bpfProg: 3,
  inodePermission: 4,
  inodeUnlink: 5,
  inodeRename: 6,
  inodeRmdir: 7,
  sbUmount: 8,
  taskKill: 9,
  ptrace: 10,
  kernelReadFile: 11,
  kernelLoadData: 12,
  lockedDown: 13,
} as const;
export type ProtectHookName = keyof typeof ProtectHook;

/** enum pw_object_kind */
export const ObjectKind = { map: 1, prog: 2, link: 3 } as const;
export type ObjectKindName = keyof typeof ObjectKind;

/** enum pw_pin_kind: what pw_guarded_pins says of an inode. */
export const PinKind = { object: 1, dir: 2 } as const;
export type PinKindName = keyof typeof PinKind;

/** enum pw_seal_flag */
export const SealFlag = { active: 1, denyModules: 2, denyKexec: 4, lockdown: 8 } as const;
export type SealFlagName = keyof typeof SealFlag;

export const OBJECT_KEY_LAYOUT = { kind: 0, id: 4 } as const;
export const OBJECT_KEY_SIZE = 8;

export const SEAL_LAYOUT = {
  agent_start_time: 0,
  agent_exe_ino: 8,
  agent_exe_dev: 16,
  agent_tgid: 20,
  pin_dir_ino: 24,
  pin_dir_dev: 32,
  flags: 36,
} as const;
export const SEAL_SIZE = 40;

export const TAMPER_EVENT_LAYOUT = {
  ts_ns: 0,
  target: 8,
  pid: 16,
  tgid: 20,
  uid: 24,
  hook: 28,
  detail: 32,
  pad: 36,
  comm: 40,
  cgroup_id: 56,
} as const;
export const TAMPER_EVENT_SIZE = 64;
const COMM_LEN = 16;

export interface ObjectKey {
  readonly kind: ObjectKindName;
  readonly id: number;
}

export function encodeObjectKey(key: ObjectKey): Buffer {
  const out = Buffer.alloc(OBJECT_KEY_SIZE);
  out.writeUInt32LE(ObjectKind[key.kind], OBJECT_KEY_LAYOUT.kind);
  out.writeUInt32LE(key.id, OBJECT_KEY_LAYOUT.id);
  return out;
}

/** The seal as the kernel holds it. The agent_* fields other than the tgid are written by the kernel. */
export interface Seal {
  readonly agentTgid: number;
  readonly agentStartTime: bigint;
  readonly agentExeIno: bigint;
  readonly agentExeDev: number;
  readonly pinDirIno: bigint;
  readonly pinDirDev: number;
  readonly flags: readonly SealFlagName[];
}

export function encodeSeal(seal: Seal): Buffer {
  const L = SEAL_LAYOUT;
  const out = Buffer.alloc(SEAL_SIZE);
  out.writeBigUInt64LE(seal.agentStartTime, L.agent_start_time);
  out.writeBigUInt64LE(seal.agentExeIno, L.agent_exe_ino);
  out.writeUInt32LE(seal.agentExeDev, L.agent_exe_dev);
  out.writeUInt32LE(seal.agentTgid, L.agent_tgid);
  out.writeBigUInt64LE(seal.pinDirIno, L.pin_dir_ino);
  out.writeUInt32LE(seal.pinDirDev, L.pin_dir_dev);
  out.writeUInt32LE(
    seal.flags.reduce((bits, f) => bits | SealFlag[f], 0),
    L.flags,
  );
  return out;
}

export function decodeSeal(record: Buffer): Seal {
  if (record.length < SEAL_SIZE)
    throw new Error(`decode pw_seal: record is ${record.length} bytes, expected ${SEAL_SIZE}`);
  const L = SEAL_LAYOUT;
  const bits = record.readUInt32LE(L.flags);
  return {
    agentStartTime: record.readBigUInt64LE(L.agent_start_time),
    agentExeIno: record.readBigUInt64LE(L.agent_exe_ino),
    agentExeDev: record.readUInt32LE(L.agent_exe_dev),
    agentTgid: record.readUInt32LE(L.agent_tgid),
    pinDirIno: record.readBigUInt64LE(L.pin_dir_ino),
    pinDirDev: record.readUInt32LE(L.pin_dir_dev),
    flags: (Object.keys(SealFlag) as SealFlagName[]).filter((f) => (bits & SealFlag[f]) !== 0),
  };
}

export interface TamperEvent {
  readonly tsNs: bigint;
  /** Object id, inode, target tgid or file id, depending on the hook. */
  readonly target: bigint;
  readonly pid: number;
  readonly tgid: number;
  readonly uid: number;
  readonly hook: ProtectHookName | `unknown(${number})`;
  /** bpf command, signal, ptrace mode, fmode, inode mask, ... */
  readonly detail: number;
  readonly comm: string;
  /** The caller's cgroup v2 id. */
  readonly cgroupId: bigint;
}

function hookName(value: number): TamperEvent["hook"] {
  const hit = (Object.keys(ProtectHook) as ProtectHookName[]).find((k) => ProtectHook[k] === value);
  return hit ?? `unknown(${value})`;
}

export function decodeTamperEvent(record: Buffer): TamperEvent {
  if (record.length < TAMPER_EVENT_SIZE) {
    throw new Error(
      `decode pw_tamper_event: record is ${record.length} bytes, expected ${TAMPER_EVENT_SIZE}`,
    );
  }
  const L = TAMPER_EVENT_LAYOUT;
  const comm = record.subarray(L.comm, L.comm + COMM_LEN);
  const nul = comm.indexOf(0);
  return {
    tsNs: record.readBigUInt64LE(L.ts_ns),
    target: record.readBigUInt64LE(L.target),
    pid: record.readUInt32LE(L.pid),
    tgid: record.readUInt32LE(L.tgid),
    uid: record.readUInt32LE(L.uid),
    hook: hookName(record.readUInt32LE(L.hook)),
    detail: record.readUInt32LE(L.detail),
    comm: comm.subarray(0, nul < 0 ? COMM_LEN : nul).toString("utf8"),
    cgroupId: record.readBigUInt64LE(L.cgroup_id),
  };
}
