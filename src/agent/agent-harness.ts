// Test support: the real `proofwall agent` as a child process with its own
// control socket, policy file and state directory under a temp dir, and the
// real CLI to talk to it. Without a kernel (--no-kernel) by default; with
// `kernel`, in the test VM, it loads, attaches and pins under `pinRoot`; with
// `seal` as well, it seals once its policy is in force, trusting a key the
// harness made (signPolicy(), signUnseal() sign with it), and stop() lifts
// the seal with a signed request before it asks the agent to exit.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  generateSigningKey,
  privateKeyPem,
  signEnvelope,
  trustedKeyLine,
  type EnvelopeFields,
  type SigningKey,
} from "../signing/index.js";
import type { DaemonStatus } from "./daemon.js";
import { LOCAL_POLICY_SUBJECT, LOCAL_UNSEAL_SUBJECT, UNSEAL_STATEMENT } from "./local-envelope.js";

export const CLI = fileURLToPath(new URL("../cli/main.js", import.meta.url));
/**
 * The --host-name a sealed agent runs under, which signPolicy() and
 * signUnseal() select (the test VM's own host name, "(none)", is no label value).
 */
export const HARNESS_HOST = "pw-test-host";

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export type HarnessEngine =
  | { readonly kernel: false }
  | {
      readonly kernel: true;
      readonly pinRoot: string;
      /** Start with --seal; `allow` is passed as --seal-allow (default: none). */
      readonly seal?: boolean | { readonly allow: readonly ("modules" | "kexec" | "lockdown")[] };
    };

export class AgentHarness {
  readonly dir: string;
  readonly socket: string;
  readonly policyFile: string;
  readonly logs: string[] = [];
  #child: ChildProcess | null = null;
  #exit: Promise<number | null> | null = null;

  readonly stateDir: string;
  /** The key the agent trusts for signed changes, and where its two halves are. */
  readonly key: SigningKey = generateSigningKey();
  readonly keyFile: string;
  readonly trustedKeysFile: string;
  #unsealVersion = 0;

  constructor(
    policyText: string,
    readonly engine: HarnessEngine = { kernel: false },
  ) {
    this.dir = mkdtempSync(join(tmpdir(), "pw-agent-"));
    // Other users must reach the socket for the SO_PEERCRED test.
    chmodSync(this.dir, 0o755);
    this.socket = join(this.dir, "control.sock");
    this.policyFile = join(this.dir, "policy.yaml");
    writeFileSync(this.policyFile, policyText);
    this.stateDir = join(this.dir, "state");
    this.keyFile = join(this.dir, "signing.pem");
    this.trustedKeysFile = join(this.dir, "trusted-keys");
    writeFileSync(this.keyFile, privateKeyPem(this.key), { mode: 0o600 });
    writeFileSync(this.trustedKeysFile, `${trustedKeyLine(this.key.publicKey)}\n`);
  }

  get sealed(): boolean {
    return this.engine.kernel && this.engine.seal !== undefined && this.engine.seal !== false;
  }

  #engineArgs(): string[] {
    const e = this.engine;
    if (!e.kernel) return ["--no-kernel"];
    // Kernel suites load certified objects only, as the product does: the test
    // runner certifies them against the test VM kernel's BTF before the suites
    // (`proofwall build --kernel-btf vm --reuse`); a missing or stale
    // certificate fails the start with the gate's reason.
    const args = ["--pin-root", e.pinRoot];
    args.push("--trusted-keys", this.trustedKeysFile);
    if (!this.sealed) return args;
    const allow = typeof e.seal === "object" ? e.seal.allow.join(",") : "";
    const sealArgs = ["--seal", "--host-name", HARNESS_HOST];
    return [...args, ...sealArgs, ...(allow ? ["--seal-allow", allow] : [])];
  }

  /** Writes an envelope of `fields` signed with the agent's trusted key; returns its path. */
  signed(fields: EnvelopeFields, name: string): string {
    const path = join(this.dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(signEnvelope(fields, this.key)));
    return path;
  }

  /** A signed policy for `proofwall apply --signed`, for this host. */
  signPolicy(text: string, version: number): string {
    return this.signed(
      {
        subject: LOCAL_POLICY_SUBJECT,
        version,
        selector: `host=${HARNESS_HOST}`,
        expiresAt: null,
        policy: text,
      },
      `signed-policy-v${version}`,
    );
  }

  /** A signed unseal request for `proofwall unseal --signed`, newer than any made before. */
  signUnseal(version = this.#unsealVersion + 1): string {
    this.#unsealVersion = Math.max(this.#unsealVersion, version);
    return this.signed(
      {
        subject: LOCAL_UNSEAL_SUBJECT,
        version,
        selector: `host=${HARNESS_HOST}`,
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        policy: UNSEAL_STATEMENT,
      },
      `signed-unseal-v${version}`,
    );
  }

  /** Starts the agent and resolves once it logs "agent ready". */
  async start(extra: readonly string[] = []): Promise<void> {
    const args = [
      CLI,
      "agent",
      ...this.#engineArgs(),
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
    // kill() of a sealed agent fails with EPERM: an error event, not a crash of the test.
    child.on("error", (e) => this.logs.push(`child process error: ${e.message}`));
    let text = "";
    await new Promise<void>((resolve, reject) => {
      // Loading and attaching under TCG takes far longer than a no-kernel start.
      // A sealed agent loads self_protect too.
      const ms = this.sealed ? 240_000 : this.engine.kernel ? 120_000 : 15_000;
      const timer = setTimeout(() => reject(new Error(`agent did not start:\n${text}`)), ms);
      child.stderr?.on("data", (c: Buffer) => (text += c.toString()));
      let partial = ""; // a chunk may end inside a line
      child.stdout?.on("data", (c: Buffer) => {
        text += c.toString();
        const lines = (partial + c.toString()).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines.filter(Boolean)) this.logs.push(line);
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

  #release(): void {
    const child = this.#child;
    child?.stdout?.destroy();
    child?.stderr?.destroy();
    child?.unref();
  }

  get running(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /**
   * Asks the agent to exit; a sealed one is unsealed first. An agent that
   * stays (a seal it cannot lift) is left running after 15 s: nothing can kill it.
   */
  async stop(): Promise<void> {
    if (this.running) {
      if (this.sealed) this.cli(["unseal", "--signed", this.signUnseal()]);
      this.#child?.kill("SIGTERM");
      await Promise.race([this.exited(), new Promise((r) => setTimeout(r, 15_000))]);
      // Still sealed: let it be, and let the test process exit without it.
      if (this.running) this.#release();
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
