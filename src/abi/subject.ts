// Codec for struct pw_subject (bpf/include/pw_abi.h): who asked, at hook time.
export const MAX_CGROUP_DEPTH = 8;
export const SUBJECT_LAYOUT = {
  uid: 0,
  gid: 4,
  loginuid: 8,
  cgroup_count: 12,
  exe_ino: 16,
  exe_dev: 24,
  pad: 28,
  cgroups: 32,
} as const;
export const SUBJECT_SIZE = 32 + 8 * MAX_CGROUP_DEPTH;
/** loginuid of a task whose login uid was never set. */
export const NO_LOGINUID = 0xffffffff;

export interface PwSubject {
  readonly uid: number;
  readonly gid: number;
  readonly loginuid: number;
  readonly exe: { readonly dev: number; readonly ino: bigint };
  /** The task's own cgroup first, then its ancestors up to (not including) the root. */
  readonly cgroups: readonly bigint[];
}

export function decodeSubject(bytes: Buffer, at = 0): PwSubject {
  const L = SUBJECT_LAYOUT;
  const count = Math.min(bytes.readUInt32LE(at + L.cgroup_count), MAX_CGROUP_DEPTH);
  return {
    uid: bytes.readUInt32LE(at + L.uid),
    gid: bytes.readUInt32LE(at + L.gid),
    loginuid: bytes.readUInt32LE(at + L.loginuid),
    exe: { dev: bytes.readUInt32LE(at + L.exe_dev), ino: bytes.readBigUInt64LE(at + L.exe_ino) },
    cgroups: Array.from({ length: count }, (_, i) => bytes.readBigUInt64LE(at + L.cgroups + 8 * i)),
  };
}
