// Runs a host tool to completion and captures its output. A missing binary
// becomes a VmError naming the tool, because "spawn ENOENT" tells nobody which
// package to install.
import { spawn } from "node:child_process";
import { VmError } from "./errors.js";

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly cwd?: string;
  readonly input?: string | Buffer;
  /** Debian package that provides the tool, named in the error if it is missing. */
  readonly pkg?: string;
}

export function exec(
  cmd: string,
  args: readonly string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", (e: NodeJS.ErrnoException) => {
      const hint = opts.pkg
        ? ` (install the Debian package ${opts.pkg}, or run scripts/setup.sh)`
        : "";
      reject(
        e.code === "ENOENT"
          ? new VmError(
              cmd.includes("qemu") ? "qemu-missing" : "tool-missing",
              `run ${cmd}: not found${hint}`,
            )
          : e,
      );
    });
    child.on("close", (code) => {
      resolve({
        code: code ?? 128,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}

/** Like exec, but a non-zero exit is an error of the given kind, prefixed with `step`. */
export async function execOk(
  step: string,
  cmd: string,
  args: readonly string[],
  opts: ExecOptions = {},
): Promise<string> {
  const r = await exec(cmd, args, opts);
  if (r.code !== 0) {
    const detail = r.stderr.trim().split("\n").slice(-5).join("\n");
    throw new VmError("build-failed", `${step}: ${cmd} exited with ${r.code}: ${detail}`);
  }
  return r.stdout;
}
