// libc calls the binding needs that are not about BPF. Kept apart from
// libbpf.ts so that a process which only serves the control socket (the agent
// with --no-kernel) never loads libbpf.
import koffi from "koffi";

const libc = koffi.load("libc.so.6");

export const libcNative = {
  getsockopt: libc.func(
    "int getsockopt(int fd, int level, int optname, _Out_ uint8_t *optval, _Inout_ uint32_t *optlen)",
  ),
};

/** The errno of the last native call on this thread. */
export function libcErrno(): number {
  return koffi.errno();
}
