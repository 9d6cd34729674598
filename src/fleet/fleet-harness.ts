// Test support: `proofwall agent --no-kernel --fleet ...` as a child process
// with its own host name, labels, control socket and state directory.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CLI } from "../agent/agent-harness.js";
import { ask } from "../agent/control-client.js";
import type { DaemonStatus } from "../agent/daemon.js";

export interface FleetAgentSpec {
  readonly host: string;
  readonly labels: string;
}

export class FleetAgentProcess {
  readonly spec: FleetAgentSpec;
  readonly dir: string;
  readonly socket: string;
  #child: ChildProcess | null = null;
  #log = "";

  constructor(spec: FleetAgentSpec, root: string) {
    this.spec = spec;
    this.dir = join(root, spec.host);
    mkdirSync(this.dir, { recursive: true });
    this.socket = join(this.dir, "control.sock");
  }

  get pid(): number {
    return this.#child?.pid ?? -1;
  }

  get log(): string {
    return this.#log;
  }

  /**
   * Resolves once the agent logs "agent ready" (it does not wait for etcd).
   * `extra`: more agent options, such as --fleet-ca for etcds://.
   */
  async start(fleetUrl: string, trustedKeys: string, extra: readonly string[] = []): Promise<void> {
    const args = [
      ...[CLI, "agent", "--no-kernel", "--fleet", fleetUrl, "--labels", this.spec.labels],
      ...["--host-name", this.spec.host, "--trusted-keys", trustedKeys],
      ...["--control", this.socket, "--state-dir", join(this.dir, "state")],
      ...["--fleet-heartbeat", "500", "--fleet-ttl", "3", ...extra],
    ];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    this.#log = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.spec.host}: no start:\n${this.#log}`)),
        60000,
      );
      const onData = (c: Buffer) => {
        this.#log = (this.#log + c.toString()).slice(-20000);
        if (this.#log.includes('"msg":"agent ready"')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) =>
        reject(new Error(`${this.spec.host} exited ${code}:\n${this.#log}`)),
      );
    });
  }

  /** The daemon's own view over its control socket: works without etcd. */
  async daemonStatus(): Promise<DaemonStatus> {
    const r = await ask(this.socket, { op: "status" });
    if (r.kind !== "answered" || !r.answer.ok)
      throw new Error(`${this.spec.host}: status failed: ${JSON.stringify(r)}`);
    return r.answer["status"] as DaemonStatus;
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    await exited;
  }
}

/** Polls an async check until it returns a value, or fails with its last reason. */
export async function until<T>(
  what: string,
  f: () => Promise<T | undefined>,
  ms = 40000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = "";
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${String(last)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
