// Turns native return conventions into exceptions. libbpf 1.x returns -errno
// from int functions and NULL (with errno set) from pointer functions; both
// become a KernelError that carries what libbpf printed during the call.
import { KernelError } from "./errors.js";
import { lastErrno, setPrintSink, type Ptr } from "./ffi/libbpf.js";

const LIBBPF_DEBUG = 2; // enum libbpf_print_level: WARN 0, INFO 1, DEBUG 2
const debug = process.env.PROOFWALL_LIBBPF_DEBUG === "1";

let pending: string[] = [];
setPrintSink((level, message) => {
  if (level < LIBBPF_DEBUG) pending.push(message);
  if (debug) process.stderr.write(message);
});

/** Runs `fn`, collecting libbpf's warnings for the error it may raise. */
function capturing<T>(fn: () => T): { value: T; messages: string } {
  pending = [];
  const value = fn();
  const messages = pending.join("");
  pending = [];
  return { value, messages };
}

function fail(op: string, errno: number, messages: string, verifierLog?: string): never {
  throw new KernelError({
    op,
    errno,
    ...(messages ? { libbpfMessage: messages } : {}),
    ...(verifierLog ? { verifierLog } : {}),
  });
}

/** Calls an int-returning libbpf function; a negative result throws. */
export function callInt(op: string, fn: () => number, verifierLog?: () => string): number {
  const { value, messages } = capturing(fn);
  if (value < 0) fail(op, -value, messages, verifierLog?.());
  return value;
}

/** Calls a pointer-returning libbpf function; NULL throws with errno. */
export function callPtr(op: string, fn: () => Ptr | null): Ptr {
  const { value, messages } = capturing(fn);
  if (value === null || value === 0n)
    fail(op, lastErrno() || 22 /* EINVAL when libbpf left no errno */, messages);
  return value;
}
