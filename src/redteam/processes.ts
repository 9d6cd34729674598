// Processes of the suite, each in a known cgroup: attackers in a fresh cgroup
// per attempt (so that an event names exactly one attempt), services in the
// vault's cgroup. A shell moves itself first, then becomes the program.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { cgroupIdOf } from "../identity/cgroup.js";
import type { Ran } from "./attempt.js";
import { shellQuote } from "../vm/guest-init.js";

const SH = "/bin/sh";
const ATTEMPT_TIMEOUT_MS = 60_000;

const enter = (cgroup: string) => `echo $$ > ${join(cgroup, "cgroup.procs")} || exit 125; `;

/** Runs `script` in a new cgroup below `parent` and collects its output. */
export function runInFreshCgroup(parent: string, name: string, script: string): Promise<Ran> {
  const cgroup = join(parent, name);
  mkdirSync(cgroup);
  return runInCgroup(cgroup, script);
}

/** Runs `script` in `cgroup` and collects its output. */
export function runInCgroup(cgroup: string, script: string): Promise<Ran> {
  const cgroupId = cgroupIdOf(cgroup);
  const child = spawn(SH, ["-c", enter(cgroup) + script], {
    stdio: ["ignore", "pipe", "pipe"],
    timeout: ATTEMPT_TIMEOUT_MS,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("latin1")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("latin1")));
  return new Promise((resolve) => {
    child.on("close", (status, signal) =>
      resolve({
        status: status ?? (signal === null ? null : 128),
        stdout,
        stderr: signal === null ? stderr : `${stderr}killed by ${signal}\n`,
        cgroupId,
      }),
    );
  });
}

export interface Service {
  readonly child: ChildProcess;
  readonly firstLine: string;
}

/** Starts `argv` in `cgroup` and resolves with its first line of output. */
export function startInCgroup(cgroup: string, argv: readonly string[]): Promise<Service> {
  const child = spawn(SH, ["-c", `${enter(cgroup)}exec ${argv.map(shellQuote).join(" ")}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${argv.join(" ")}: no output in time: ${err}`));
    }, ATTEMPT_TIMEOUT_MS);
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      resolve({ child, firstLine: out.slice(0, nl) });
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(" ")}: exited ${code} before printing: ${err}`));
    });
  });
}

/** Stops a service started by startInCgroup and waits until it is gone. */
export async function stopService(s: Service): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const gone = new Promise((r) => s.child.on("exit", r));
  s.child.kill("SIGKILL");
  await gone;
}
