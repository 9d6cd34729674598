// Every way the test VM can fail, as one error type keyed on `kind`, so callers
// (the CLI, test runners) can say why a kernel suite did not run instead of
// printing a bare stack trace.

export type VmErrorKind =
  | "kernel-package-missing"
  | "module-missing"
  | "tool-missing"
  | "qemu-missing"
  | "build-failed"
  | "boot-failed"
  | "timeout";

export class VmError extends Error {
  override readonly name = "VmError";

  constructor(
    readonly kind: VmErrorKind,
    message: string,
    /** The last lines of the guest's kernel log, when the guest got that far. */
    readonly kernelLogTail?: string,
    /** Host file holding the whole kernel log of the failed boot. */
    readonly kernelLogFile?: string,
  ) {
    super(withLog(message, kernelLogTail, kernelLogFile));
  }
}

function withLog(message: string, tail: string | undefined, file: string | undefined): string {
  const where = file ? `, full log in ${file}` : "";
  if (tail === undefined) return message;
  if (tail === "") return `${message} (the kernel printed nothing${where})`;
  return `${message}\n--- kernel log (tail${where}) ---\n${tail}`;
}

export function isVmError(e: unknown): e is VmError {
  return e instanceof VmError;
}

/** The last `lines` lines of a log, for error messages. */
export function logTail(log: string, lines = 40): string {
  return log.replace(/\r/g, "").trimEnd().split("\n").slice(-lines).join("\n");
}
