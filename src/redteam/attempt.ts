// What the red-team suite runs: rows (one exfiltration or evasion channel
// each) of attempts (one concrete attack each). An attempt runs as the
// attacker and returns what happened; the suite then decides whether it was
// blocked, whether anything leaked, and whether the agent logged it.
import type { Secrets } from "./world.js";

export type Group = "file" | "network" | "evasion" | "tamper";

/** What one attacker process did. */
export interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The fresh cgroup the attempt ran in: its events carry this id. */
  readonly cgroupId: bigint;
}

/**
 * The agent event that must report an attempt: the hook as `proofwall events`
 * names it and the deciding rule; null for a self-protection (tamper) event,
 * which no policy rule decides.
 */
export interface ExpectedEvent {
  readonly hook: string;
  readonly rule: string | null;
}

/** The running agent, for the attempts that go after it. */
export interface AgentHandle {
  readonly pid: number;
  readonly policyFile: string;
  readonly pinRoot: string;
  readonly control: string;
  /** The policy the suite started the agent with (the file on disk may be edited since). */
  readonly policyText: string;
  readonly sealed: boolean;
  /**
   * Writes `text` as a policy signed with the install key at `version`, as
   * an operator would for `proofwall apply --signed`; returns the file.
   */
  signPolicy(text: string, version: number): string;
  /** Runs `proofwall <args>` as the operator; throws unless it exits 0. */
  operator(args: readonly string[]): void;
  /** The operator's signed unseal: a sealed agent accepts it and stays up, unsealed. */
  unseal(): void;
  kill9(): Promise<void>;
  /** Starts the agent again (it adopts the pins, and seals if sealed) and reconnects the event feed. */
  restart(): Promise<void>;
}

/** The process that legitimately holds the secret: in memory, and its file open. */
export interface Holder {
  readonly pid: number;
  /** Hex address of the secret in its memory, and its length. */
  readonly addr: string;
  readonly len: number;
  /** Its descriptor of the key. */
  readonly fd: number;
}

export interface AttemptContext {
  readonly secrets: Secrets;
  /** An empty directory for this attempt's output; a secret found in it leaked. */
  readonly loot: string;
  readonly holder: Holder;
  readonly agent: AgentHandle;
  /** Runs a /bin/sh script as root in a fresh cgroup. */
  attacker(script: string): Promise<Ran>;
  /** Runs a /bin/sh script in the vault service's cgroup, which may read the vault. */
  service(script: string): Promise<Ran>;
  /**
   * Starts `argv` in the vault service's cgroup and resolves with its first
   * line of output; the process is stopped after the attempt.
   */
  startService(argv: readonly string[]): Promise<string>;
}

export interface Attempt {
  readonly name: string;
  /** Any one of these, from the attempt's cgroup, counts as logged. */
  readonly expect: readonly ExpectedEvent[];
  run(ctx: AttemptContext): Promise<Ran>;
  /** The attack reached its goal by a sign other than the secret (a mount, a module). */
  readonly achieved?: (r: Ran) => boolean;
}

export interface Row {
  readonly group: Group;
  readonly channel: string;
  /** Holds only once the agent is sealed (self-protection): listed, not run, until then. */
  readonly needsSeal: boolean;
  readonly attempts: readonly Attempt[];
}

/** An attempt that is one shell script run by the attacker. */
export function scripted(
  name: string,
  expect: readonly ExpectedEvent[],
  script: (ctx: AttemptContext) => string,
  achieved?: (r: Ran) => boolean,
): Attempt {
  return {
    name,
    expect,
    run: (ctx) => ctx.attacker(script(ctx)),
    ...(achieved ? { achieved } : {}),
  };
}

export const expectEvent = (hook: string, rule: string): readonly ExpectedEvent[] => [
  { hook, rule },
];
