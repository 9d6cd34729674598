// Codec for struct pw_decision (bpf/include/pw_policy.h): one reported
// decision of an enforce_* program. Offsets are checked against BTF.
import { formatIp } from "../policy/cidr.js";

/** enum pw_outcome */
export const Outcome = { allow: 0, deny: 1, audit: 2, wouldDeny: 3 } as const;
export type OutcomeName = keyof typeof Outcome;

/** enum pw_enforce_hook */
export const EnforceHook = {
  fileOpen: 1,
  fileReceive: 2,
  inodeCreate: 3,
  inodeMkdir: 4,
  inodeSymlink: 5,
  inodeMknod: 6,
  inodeUnlink: 7,
  inodeRmdir: 8,
  inodeRename: 9,
  inodeLink: 10,
  inodeSetattr: 11,
  socketConnect: 12,
  socketSendmsg: 13,
  socketCreate: 14,
  unixStreamConnect: 15,
  unixMaySend: 16,
  // 17-19: free.
  bprmCheck: 20,
  capable: 21,
  ptraceAccess: 22,
  sbMount: 23,
  moveMount: 24,
  kernelReadFile: 25,
  kernelLoadData: 26,
  kernelModuleRequest: 27,
  mmapFile: 28,
  fileMprotect: 29,
} as const;
export type EnforceHookName = keyof typeof EnforceHook;
/** PW_EH_COUNT and PW_OUT_COUNT: the shape of pw_counters. */
export const ENFORCE_HOOK_COUNT = 30;
export const OUTCOME_COUNT = 4;

export const DECISION_LAYOUT = {
  ts_ns: 0,
  cgroup_id: 8,
  ino: 16,
  exe_ino: 24,
  dev: 32,
  exe_dev: 36,
  pid: 40,
  tgid: 44,
  uid: 48,
  loginuid: 52,
  hook: 56,
  outcome: 60,
  rule: 64,
  op: 68,
  suppressed: 72,
  gen: 76,
  comm: 80,
  addr: 96,
  port: 112,
  family: 114,
  protocol: 115,
  pad: 116,
} as const;
export const DECISION_SIZE = 120;

export interface PwDecision {
  readonly tsNs: bigint;
  readonly cgroupId: bigint;
  readonly file: { readonly dev: number; readonly ino: bigint };
  readonly exe: { readonly dev: number; readonly ino: bigint };
  readonly pid: number;
  readonly tgid: number;
  readonly uid: number;
  readonly loginuid: number;
  readonly hook: EnforceHookName | `unknown(${number})`;
  readonly outcome: OutcomeName | `unknown(${number})`;
  /** Rule index, or null for the class default. */
  readonly rule: number | null;
  readonly op: number;
  readonly suppressed: number;
  readonly gen: number;
  readonly comm: string;
  /** Network and socket requests: the destination (address text, port) or the socket's family
   * and protocol (its type is `op`); family 0 for the other classes. */
  readonly net: {
    readonly family: number;
    readonly protocol: number;
    readonly addr: string;
    readonly port: number;
  };
}

function nameOf<T extends Record<string, number>>(t: T, v: number): keyof T | `unknown(${number})` {
  const hit = Object.entries(t).find(([, x]) => x === v);
  return hit ? (hit[0] as keyof T) : `unknown(${v})`;
}

const AF_INET = 2;
const AF_INET6 = 10;

function decodeNet(b: Buffer): PwDecision["net"] {
  const L = DECISION_LAYOUT;
  const family = b.readUInt8(L.family);
  const raw = b.subarray(L.addr, L.addr + 16);
  const bytes = family === AF_INET ? 4 : family === AF_INET6 ? 16 : 0;
  const addr = bytes === 0 ? "" : formatIp(bytes === 4 ? 4 : 6, bigEndian(raw.subarray(0, bytes)));
  return { family, protocol: b.readUInt8(L.protocol), addr, port: b.readUInt16LE(L.port) };
}

function bigEndian(bytes: Buffer): bigint {
  return bytes.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
}

export function decodeDecision(b: Buffer): PwDecision {
  if (b.length < DECISION_SIZE)
    throw new Error(`decode pw_decision: record is ${b.length} bytes, expected ${DECISION_SIZE}`);
  const L = DECISION_LAYOUT;
  const u32 = (o: number) => b.readUInt32LE(o);
  const comm = b.subarray(L.comm, L.comm + 16);
  const nul = comm.indexOf(0);
  const rule = u32(L.rule);
  return {
    tsNs: b.readBigUInt64LE(L.ts_ns),
    cgroupId: b.readBigUInt64LE(L.cgroup_id),
    file: { dev: u32(L.dev), ino: b.readBigUInt64LE(L.ino) },
    exe: { dev: u32(L.exe_dev), ino: b.readBigUInt64LE(L.exe_ino) },
    pid: u32(L.pid),
    tgid: u32(L.tgid),
    uid: u32(L.uid),
    loginuid: u32(L.loginuid),
    hook: nameOf(EnforceHook, u32(L.hook)) as PwDecision["hook"],
    outcome: nameOf(Outcome, u32(L.outcome)) as PwDecision["outcome"],
    rule: rule === 0xffffffff ? null : rule,
    op: u32(L.op),
    suppressed: u32(L.suppressed),
    gen: u32(L.gen),
    comm: comm.subarray(0, nul < 0 ? 16 : nul).toString("utf8"),
    net: decodeNet(b),
  };
}
