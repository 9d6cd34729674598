// struct bpf_prog_info, the part Proofwall reads: identity and the run-time
// statistics the kernel keeps while kernel.bpf_stats_enabled is on. The
// offsets are UAPI (append-only); prog-info.test.ts checks them against the
// running kernel's BTF.
import { callInt } from "./call.js";
import { native } from "./ffi/libbpf.js";

export const PROG_INFO_LAYOUT = {
  type: 0,
  id: 4,
  tag: 8,
  name: 64,
  run_time_ns: 192,
  run_cnt: 200,
  recursion_misses: 208,
  verified_insns: 216,
} as const;
const INFO_BYTES = 256;

export interface ProgramInfo {
  readonly type: number;
  readonly id: number;
  /** The kernel's hash of the translated program, hex. */
  readonly tag: string;
  readonly name: string;
  readonly runTimeNs: bigint;
  readonly runCount: bigint;
  readonly verifiedInsns: number;
}

export function programInfo(fd: number, what: string): ProgramInfo {
  const info = Buffer.alloc(INFO_BYTES);
  const len = [info.length];
  callInt(`read program info of ${what}`, () => native.bpf_obj_get_info_by_fd(fd, info, len));
  const L = PROG_INFO_LAYOUT;
  return {
    type: info.readUInt32LE(L.type),
    id: info.readUInt32LE(L.id),
    tag: info.subarray(L.tag, L.tag + 8).toString("hex"),
    name: info
      .subarray(L.name, L.name + 16)
      .toString("latin1")
      .replace(/\0.*$/s, ""),
    runTimeNs: info.readBigUInt64LE(L.run_time_ns),
    runCount: info.readBigUInt64LE(L.run_cnt),
    verifiedInsns: info.readUInt32LE(L.verified_insns),
  };
}
