// Boots the test VM once, runs one command in it as root, streams its output
// back and returns its exit code. This is the only entry point kernel test
// suites need.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chooseAccel, type Accel } from "./accel.js";
import { diagnoseBootFailure } from "./diagnose.js";
import { logTail, VmError } from "./errors.js";
import { prepareVmImage, type VmImage } from "./image.js";
import { JobDir } from "./job-dir.js";
import { vmCacheDir } from "./paths.js";
import { QEMU, qemuArgs } from "./qemu.js";
import { FileTail } from "./tail.js";

export const DEFAULT_TIMEOUT_MS = 15 * 60 * 1000;
const POLL_MS = 50;
const QBOOT = "/usr/share/qemu/qboot.rom";

export interface RunOptions {
  readonly argv: readonly string[];
  /** Defaults to the caller's cwd, which the guest sees at the same path. */
  readonly cwd?: string;
  /** Added to PATH, HOME and PROOFWALL_IN_VM=1. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly onStdout?: (text: string) => void;
  readonly onStderr?: (text: string) => void;
  /** Progress messages (downloads, builds). */
  readonly onLog?: (line: string) => void;
  /** Skips resolving and preparing the image (tests use this for bogus kernels). */
  readonly image?: Pick<VmImage, "kernel" | "initrd">;
  readonly accel?: Accel;
}

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** From starting qemu to the guest starting the command. */
  readonly bootMs: number;
  /** From starting qemu to qemu exiting. */
  readonly totalMs: number;
  readonly kernelLog: string;
  /** Host copy of the kernel log; the latest boot overwrites it. */
  readonly kernelLogFile: string;
  readonly accel: Accel;
}

export function guestEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    PATH: process.env["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: process.env["HOME"] ?? "/root",
    ...extra,
    PROOFWALL_IN_VM: "1",
  };
}

/** Keeps the kernel log of the latest boot on the host (the job directory is removed). */
function saveKernelLog(text: string): string {
  const dir = vmCacheDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "last-kernel.log");
  const tmp = `${file}.${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
  return file;
}

interface QemuOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly timedOut: boolean;
}

function runQemu(args: string[], timeoutMs: number, onTick: () => void): Promise<QemuOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let timedOut = false;
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const tick = setInterval(onTick, POLL_MS);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const done = (): void => {
      clearInterval(tick);
      clearTimeout(timer);
    };
    child.on("error", (e: NodeJS.ErrnoException) => {
      done();
      reject(
        e.code === "ENOENT"
          ? new VmError("qemu-missing", `boot: ${QEMU} not found (install qemu-system-x86)`)
          : e,
      );
    });
    child.on("close", (code, signal) => {
      done();
      resolve({ code, signal, stderr, timedOut });
    });
  });
}

export async function runInVm(opts: RunOptions): Promise<RunResult> {
  const image = opts.image ?? (await prepareVmImage(opts.onLog));
  const accel = opts.accel ?? (await chooseAccel());
  const job = new JobDir({
    argv: opts.argv,
    cwd: opts.cwd ?? process.cwd(),
    env: guestEnv(opts.env),
  });
  try {
    const consoleLog = join(job.path, "console.log");
    const out = new FileTail(job.file("stdout"), opts.onStdout);
    const err = new FileTail(job.file("stderr"), opts.onStderr);
    const args = qemuArgs({
      ...image,
      accel,
      jobDir: job.path,
      consoleLog,
      ...(existsSync(QBOOT) ? { bios: QBOOT } : {}),
    });
    const t0 = Date.now();
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const qemu = await runQemu(args, timeoutMs, () => {
      out.poll();
      err.poll();
    });
    const totalMs = Date.now() - t0;
    const [stdout, stderr] = [out.finish(), err.finish()];
    const consoleText = existsSync(consoleLog) ? readFileSync(consoleLog, "utf8") : "";
    const kernelLog = job.readOptional("dmesg") ?? consoleText;
    const kernelLogFile = saveKernelLog(kernelLog);
    const started = job.startedAt();
    const exitCode = job.exitStatus();
    if (qemu.timedOut) {
      const where = started === undefined ? "before the command started" : "while the command ran";
      throw new VmError(
        "timeout",
        `run: timed out after ${timeoutMs / 1000}s ${where}; qemu was killed`,
        logTail(consoleText),
        kernelLogFile,
      );
    }
    if (exitCode === undefined) {
      const why = diagnoseBootFailure({
        console: consoleText,
        qemuStderr: qemu.stderr,
        qemuExit: qemu.code,
        qemuSignal: qemu.signal,
        started: started !== undefined,
      });
      throw new VmError("boot-failed", why, logTail(consoleText), kernelLogFile);
    }
    const bootMs = Math.max(0, Math.round((started ?? t0) - t0));
    return { exitCode, stdout, stderr, bootMs, totalMs, kernelLog, kernelLogFile, accel };
  } finally {
    job.remove();
  }
}
