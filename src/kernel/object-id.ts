// The kernel id of a BPF map, program or link, read through its fd. Ids name
// objects system-wide (bpftool's "id N", BPF_*_GET_FD_BY_ID) and are never
// reused while the object lives, so self-protection records them.
import { callInt } from "./call.js";
import { native } from "./ffi/libbpf.js";

/** Offset of `id` in struct bpf_prog_info, bpf_map_info and bpf_link_info alike. */
const ID_OFFSET = 4;
/** Enough of any info struct for `type` and `id`; the kernel copies no more than asked. */
const INFO_BYTES = 16;

/** Reads the id of the BPF object behind `fd`; `what` names it in errors. */
export function objectIdOfFd(fd: number, what: string): number {
  const info = Buffer.alloc(INFO_BYTES);
  const len = [info.length];
  callInt(`read id of ${what}`, () => native.bpf_obj_get_info_by_fd(fd, info, len));
  return info.readUInt32LE(ID_OFFSET);
}
