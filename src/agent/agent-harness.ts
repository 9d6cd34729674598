// Test support: the real `proofwall agent` as a child process with its own
// control socket, policy file and state directory under a temp dir, and the
// real CLI to talk to it. Without a kernel (--no-kernel) by default; with
// `kernel`, in the test VM, it loads, attaches and pins under `pinRoot`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DaemonStatus } from "./daemon.js";

export const CLI = fileURLToPath(new URL("../cli/main.js", import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class AgentHarness {
  readonly dir: string;
  readonly socket: string;
  readonly policyFile: string;
  readonly logs: string[] = [];
  #child: ChildProcess | null = null;
  #exit: Promise<number | null> | null = null;

  readonly stateDir: string;

  constructor(
    policyText: string,
    readonly engine: { kernel: false } | { kernel: true; pinRoot: string } = { kernel: false },
  ) {
    this.dir = mkdtempSync(join(tmpdir(), "pw-agent-"));
    // Other users must reach the socket for the SO_PEERCRED test.
    chmodSync(this.dir, 0o755);
    this.socket = join(this.dir, "control.sock");
    this.policyFile = join(this.dir, "policy.yaml");
    writeFileSync(this.policyFile, policyText);
    this.stateDir = join(this.dir, "state");
  }

  /** Starts the agent and resolves once it logs "agent ready". */
  async start(extra: readonly string[] = []): Promise<void> {
    // Kernel suites run the objects `npm run build` made; certificates come from
    // `proofwall build`, which the suites do not wait for.
    const engine = this.engine.kernel
      ? ["--pin-root", this.engine.pinRoot, "--allow-unverified"]
      : ["--no-kernel"];
    const args = [
      CLI,
      "agent",
      ...engine,
      "--policy",
      this.policyFile,
      "--control",
      this.socket,
      "--state-dir",
      this.stateDir,
      ...extra,
    ];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    this.#exit = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    let text = "";
    await new Promise<void>((resolve, reject) => {
      // Loading and attaching under TCG takes far longer than a no-kernel start.
      const ms = this.engine.kernel ? 120_000 : 15_000;
      const timer = setTimeout(() => reject(new Error(`agent did not start:\n${text}`)), ms);
      child.stderr?.on("data", (c: Buffer) => (text += c.toString()));
      child.stdout?.on("data", (c: Buffer) => {
        text += c.toString();
        for (const line of c.toString().split("\n").filter(Boolean)) this.logs.push(line);
        if (text.includes('"msg":"agent ready"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void this.#exit?.then((code) => reject(new Error(`agent exited ${code}:\n${text}`)));
    });
  }

  get pid(): number {
    return this.#child?.pid ?? -1;
  }

  signal(sig: NodeJS.Signals): void {
    this.#child?.kill(sig);
  }

  exited(): Promise<number | null> {
    return this.#exit ?? Promise.resolve(null);
  }

  /** Runs `proofwall <args> --control <socket>` synchronously. */
  cli(args: readonly string[], options: { uid?: number; control?: boolean } = {}): CliRun {
    const withControl = options.control === false ? args : [...args, "--control", this.socket];
    const r = spawnSync(process.execPath, [CLI, ...withControl], {
      encoding: "utf8",
      // One CLI process under TCG on a loaded two-core host has taken 40 s.
      timeout: this.engine.kernel ? 180_000 : 20_000,
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  async stop(): Promise<void> {
    if (this.#child && this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill("SIGTERM");
      await this.exited();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls `f` until it returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(f: () => T | undefined, ms = 10000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error("eventually: condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `proofwall status --json` of the agent behind `h`; fails the test when it errors. */
export function status(h: AgentHarness): DaemonStatus {
  const r = h.cli(["status", "--json"]);
  if (r.code !== 0) throw new Error(`status: exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as DaemonStatus;
}

/** The generation in force, 0 when none. */
export function generation(s: DaemonStatus): number {
  return s.enforcer.state.kind === "enforcing" ? s.enforcer.state.policy.generation : 0;
}
