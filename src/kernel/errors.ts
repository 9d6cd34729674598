// Errors from the kernel boundary. Every failed libbpf or bpf() call becomes a
// KernelError naming the operation, the errno by name, and what libbpf said;
// callers match on `errno`/`code` rather than on message text.
import { constants } from "node:os";

// libbpf's own error codes (libbpf.h, enum libbpf_errno), returned like errnos.
const libbpfErrnos = [
  "LIBELF",
  "FORMAT",
  "KVERSION",
  "ENDIAN",
  "INTERNAL",
  "RELOC",
  "LOAD",
  "VERIFY",
  "PROG2BIG",
  "KVER",
  "PROGTYPE",
  "WRNGPID",
  "INVSEQ",
  "NLPARSE",
].map((name, i) => [4000 + i, `LIBBPF_ERRNO__${name}`] as const);

const errnoNames = new Map<number, string>([
  ...Object.entries(constants.errno).map(([name, value]) => [value, name] as const),
  ...libbpfErrnos,
]);

/** "EPERM" for 1, "errno 4242" for numbers Node does not know. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

export interface KernelErrorDetails {
  /** The operation that failed, e.g. "load object file_guard.bpf.o". */
  readonly op: string;
  /** Positive errno value. */
  readonly errno: number;
  /** What libbpf printed while the operation ran (warnings), if anything. */
  readonly libbpfMessage?: string;
  /** The kernel verifier log, for program loads. */
  readonly verifierLog?: string;
}

export class KernelError extends Error {
  override readonly name = "KernelError";
  readonly op: string;
  readonly errno: number;
  /** Symbolic errno, e.g. "EPERM". */
  readonly code: string;
  readonly libbpfMessage: string | undefined;
  readonly verifierLog: string | undefined;

  constructor(details: KernelErrorDetails) {
    const code = errnoName(details.errno);
    const said = details.libbpfMessage ? `: ${lastLine(details.libbpfMessage)}` : "";
    super(`${details.op}: ${code}${said}`);
    this.op = details.op;
    this.errno = details.errno;
    this.code = code;
    this.libbpfMessage = details.libbpfMessage;
    this.verifierLog = details.verifierLog;
  }
}

/** A feature this kernel does not offer (e.g. BPF LSM not in the lsm= list). */
export class NotSupportedError extends Error {
  override readonly name = "NotSupportedError";
  constructor(
    readonly feature: string,
    readonly reason: string,
  ) {
    super(`${feature} is not supported here: ${reason}`);
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return (lines[lines.length - 1] ?? "").replace(/^libbpf: /, "");
}
