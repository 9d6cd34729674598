// Who is on the other end of a connected unix socket, as the kernel recorded it
// at connect(2) time (SO_PEERCRED): a client cannot forge it, unlike anything
// it writes on the socket. Node has no API for it, hence the libc call.
import { KernelError } from "./errors.js";
import { libcErrno, libcNative } from "./ffi/libc.js";

// <asm-generic/socket.h>: the values on x86-64 and arm64 (not on ppc, mips, sparc).
const SOL_SOCKET = 1;
const SO_PEERCRED = 17;
const UCRED_SIZE = 12;

export interface PeerCred {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

/** struct ucred of the peer of the connected unix socket `fd`. */
export function peerCred(fd: number): PeerCred {
  const buf = Buffer.alloc(UCRED_SIZE);
  const len = [UCRED_SIZE];
  const rc = libcNative.getsockopt(fd, SOL_SOCKET, SO_PEERCRED, buf, len) as number;
  if (rc !== 0)
    throw new KernelError({ op: `getsockopt SO_PEERCRED fd ${fd}`, errno: libcErrno() });
  if (len[0] !== UCRED_SIZE)
    throw new Error(`getsockopt SO_PEERCRED: returned ${String(len[0])} bytes, expected 12`);
  return { pid: buf.readInt32LE(0), uid: buf.readUInt32LE(4), gid: buf.readUInt32LE(8) };
}
