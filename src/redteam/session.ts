// One agent run of the suite: runs attempts one at a time, each with its own
// cgroup, loot directory and services, then waits for the agent's event from
// that cgroup and judges the evidence. Survives an agent restart (the kill -9
// row) by reconnecting the event feed.
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AgentHarness } from "../agent/agent-harness.js";
import type { NamedEvent } from "../agent/event-names.js";
import type { AgentHandle, Attempt, AttemptContext, ExpectedEvent, Ran } from "./attempt.js";
import { EventFeed } from "./event-feed.js";
import { judge } from "./judge.js";
import {
  runInCgroup,
  runInFreshCgroup,
  startInCgroup,
  stopService,
  type Service,
} from "./processes.js";
import type { AttemptResult } from "./report.js";
import type { Stage } from "./stage.js";
import { ATTACKER_CGROUPS, LOOT_ROOT, PIN_ROOT, VAULT_CGROUP } from "./world.js";

/** How long an attempt's event may take from the ring buffer to the feed (TCG is slow). */
const EVENT_WAIT_MS = 15_000;

const describe = (e: NamedEvent) => `${e.hook} ${e.ruleId ?? "(no rule)"}`;

function agentHandle(h: AgentHarness, feed: EventFeed, args: readonly string[]): AgentHandle {
  const operator = (argv: readonly string[]) => {
    const r = h.cli(argv);
    if (r.code !== 0)
      throw new Error(`proofwall ${argv[0]}: exit ${r.code}: ${r.stderr}${r.stdout}`);
  };
  return {
    get pid() {
      return h.pid;
    },
    policyFile: h.policyFile,
    policyText: readFileSync(h.policyFile, "utf8"),
    pinRoot: PIN_ROOT,
    control: h.socket,
    sealed: h.sealed,
    signPolicy: (text, version) => h.signPolicy(text, version),
    operator,
    unseal: () => operator(["unseal", "--signed", h.signUnseal()]),
    async kill9() {
      h.signal("SIGKILL");
      await h.exited();
    },
    async restart() {
      await h.start(args);
      feed.connect(h.socket);
    },
  };
}

export class Session {
  #attempts = 0;
  readonly #feed = new EventFeed();
  readonly #agent: AgentHandle;

  /**
   * `refusal`: the action the agent reports for a policy's refusal ("audit"
   * in audit mode). A tamper refusal (no rule) is always "deny": the seal
   * does not follow the policy's mode.
   */
  constructor(
    private readonly stage: Stage,
    harness: AgentHarness,
    agentArgs: readonly string[],
    private readonly refusal: "deny" | "audit",
  ) {
    this.#agent = agentHandle(harness, this.#feed, agentArgs);
    this.#feed.connect(harness.socket);
  }

  close(): void {
    this.#feed.close();
  }

  /** Runs one attempt and judges it. */
  async run(attempt: Attempt): Promise<AttemptResult> {
    const n = ++this.#attempts;
    const loot = mkdtempSync(join(LOOT_ROOT, `a${n}-`));
    const services: Service[] = [];
    this.stage.listeners.reset();
    let ran: Ran;
    try {
      ran = await attempt.run(this.#context(n, loot, services));
    } catch (e) {
      const why = `the attempt could not run: ${e instanceof Error ? e.message : String(e)}`;
      return { name: attempt.name, outcome: "failed", why, logged: false, event: null };
    } finally {
      for (const s of services) await stopService(s);
    }
    const { event, seen } = await this.#events(attempt, ran);
    const received = this.stage.listeners.received();
    const j = judge(attempt, { ran, secrets: this.stage.secrets, loot, received });
    return {
      name: attempt.name,
      outcome: j.outcome,
      why: j.why,
      logged: event !== null,
      event: seen,
    };
  }

  #context(n: number, loot: string, services: Service[]): AttemptContext {
    return {
      secrets: this.stage.secrets,
      loot,
      holder: this.stage.holder,
      agent: this.#agent,
      attacker: (script) => runInFreshCgroup(ATTACKER_CGROUPS, `a${n}`, script),
      service: (script) => runInCgroup(VAULT_CGROUP, script),
      startService: async (argv) => {
        const s = await startInCgroup(VAULT_CGROUP, argv);
        services.push(s);
        return s.firstLine;
      },
    };
  }

  /** The expected event from the attempt's cgroup, and what it did report if not that. */
  async #events(
    attempt: Attempt,
    ran: Ran,
  ): Promise<{ event: NamedEvent | null; seen: string | null }> {
    const refusal = (x: ExpectedEvent) => (x.rule === null ? "deny" : this.refusal);
    const ours = (e: NamedEvent) =>
      e.cgroupId === ran.cgroupId.toString() && (e.action === this.refusal || e.action === "deny");
    const expected = (e: NamedEvent) =>
      ours(e) &&
      attempt.expect.some(
        (x) => x.hook === e.hook && x.rule === e.ruleId && e.action === refusal(x),
      );
    const event =
      attempt.expect.length === 0 ? null : await this.#feed.waitFor(expected, EVENT_WAIT_MS);
    const seen = event ?? this.#feed.all(ours)[0] ?? null;
    return { event, seen: seen === null ? null : describe(seen) };
  }
}
