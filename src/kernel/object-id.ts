// The kernel id of a BPF map, program or link, read through its fd. Ids name
// objects system-wide (bpftool's "id N", BPF_*_GET_FD_BY_ID) and are never
// reused while the object lives, so self-protection records them.
import { callInt } from "./call.js";
import { native } from "./ffi/libbpf.js";

/** Offsets of `id` (the same in bpf_prog_info, bpf_map_info and bpf_link_info) and of bpf_link_info's `prog_id`. */
export const OBJECT_INFO_LAYOUT = { id: 4, link_prog_id: 8 } as const;
const ID_OFFSET = OBJECT_INFO_LAYOUT.id;
const LINK_PROG_ID_OFFSET = OBJECT_INFO_LAYOUT.link_prog_id;
/** Enough of any info struct for `type` and `id`; the kernel copies no more than asked. */
const INFO_BYTES = 16;

function infoOfFd(fd: number, what: string): Buffer {
  const info = Buffer.alloc(INFO_BYTES);
  const len = [info.length];
  callInt(`read id of ${what}`, () => native.bpf_obj_get_info_by_fd(fd, info, len));
  return info;
}

/** Reads the id of the BPF object behind `fd`; `what` names it in errors. */
export function objectIdOfFd(fd: number, what: string): number {
  return infoOfFd(fd, what).readUInt32LE(ID_OFFSET);
}

/** The id of the program that the link behind `fd` attaches, as the kernel holds it now. */
export function linkedProgramIdOfFd(fd: number, what: string): number {
  return infoOfFd(fd, what).readUInt32LE(LINK_PROG_ID_OFFSET);
}
