// Test and benchmark support: a real etcd (Debian's etcd-server) on free
// loopback ports with its own temporary data directory, optionally serving
// clients over TLS and demanding a client certificate. stop() and start()
// again keep the data, as a restarted cluster member would; destroy() kills
// it and removes everything.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ETCD_BINARY = process.env["PROOFWALL_ETCD"] ?? "/usr/bin/etcd";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Server certificate and the CA client certificates must be signed by (PEM files). */
export interface EtcdServerTls {
  readonly cert: string;
  readonly key: string;
  readonly clientCa: string;
}

export class EtcdHarness {
  readonly dir: string;
  readonly clientPort: number;
  readonly peerPort: number;
  /** Plain-HTTP /health, reachable whatever the client port demands. */
  readonly metricsPort: number;
  readonly tls: EtcdServerTls | null;
  #child: ChildProcess | null = null;
  #log = "";

  private constructor(dir: string, ports: readonly number[], tls: EtcdServerTls | null) {
    this.dir = dir;
    [this.clientPort = 0, this.peerPort = 0, this.metricsPort = 0] = ports;
    this.tls = tls;
  }

  static async create(tls: EtcdServerTls | null = null): Promise<EtcdHarness> {
    const dir = mkdtempSync(join(tmpdir(), "pw-etcd-"));
    const h = new EtcdHarness(dir, [await freePort(), await freePort(), await freePort()], tls);
    await h.start();
    return h;
  }

  get endpoint(): string {
    return `127.0.0.1:${this.clientPort}`;
  }

  fleetUrl(prefix: string): string {
    return `${this.tls ? "etcds" : "etcd"}://${this.endpoint}/${prefix}`;
  }

  #tlsArgs(): string[] {
    if (!this.tls) return [];
    const { cert, key, clientCa } = this.tls;
    const files = ["--cert-file", cert, "--key-file", key, "--trusted-ca-file", clientCa];
    return [...files, "--client-cert-auth"];
  }

  async start(): Promise<void> {
    const client = `${this.tls ? "https" : "http"}://${this.endpoint}`;
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const args = [
      ...["--name", "pw-test", "--data-dir", join(this.dir, "data")],
      ...["--listen-client-urls", client, "--advertise-client-urls", client],
      ...["--listen-metrics-urls", `http://127.0.0.1:${this.metricsPort}`],
      ...["--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer],
      ...["--initial-cluster", `pw-test=${peer}`, "--log-level", "warn"],
      ...this.#tlsArgs(),
    ];
    const child = spawn(ETCD_BINARY, args, { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr?.on("data", (c: Buffer) => (this.#log = (this.#log + c.toString()).slice(-4000)));
    this.#child = child;
    await this.#waitHealthy(child);
  }

  async #waitHealthy(child: ChildProcess): Promise<void> {
    const until = Date.now() + 20000;
    while (Date.now() < until) {
      if (child.exitCode !== null) throw new Error(`etcd exited ${child.exitCode}:\n${this.#log}`);
      const ok = await fetch(`http://127.0.0.1:${this.metricsPort}/health`)
        .then((r) => r.json() as Promise<{ health?: string }>)
        .then((j) => j.health === "true")
        .catch(() => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`etcd did not become healthy:\n${this.#log}`);
  }

  /** Kills etcd (SIGKILL: no goodbye to clients), keeping its data. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
