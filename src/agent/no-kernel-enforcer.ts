// An Enforcer without a kernel: it validates (and compiles, once src/compile/
// exists, so capacity problems show up the same way), keeps the policy in
// memory and enforces nothing. Fleet tests run many agents with it; hosts
// without BPF LSM use it to serve status and explain. simulate() lets tests
// push requests through decide() and watch the events and counters flow.
import { decide, type Action, type Policy, type Request } from "../policy/index.js";
import type {
  ApplyResult,
  DecisionCount,
  Enforcer,
  EnforcerStatus,
  EventListener,
  PolicyMeta,
  StartResult,
  Unsubscribe,
} from "./enforcer.js";
import { requestEvent, type TaskInfo } from "./request-event.js";

type Compile = (policy: Policy) => unknown;
type Loaded = { readonly policy: Policy; readonly meta: PolicyMeta };

/** The compiler, when the engine's src/compile/ is built; null otherwise. */
async function findCompiler(): Promise<Compile | null> {
  // A variable specifier: the module may not exist yet and tsc must not insist.
  const spec = "../compile/index.js";
  try {
    const mod = (await import(spec)) as { compilePolicy?: unknown };
    return typeof mod.compilePolicy === "function" ? (mod.compilePolicy as Compile) : null;
  } catch {
    return null;
  }
}

/** A compiler failure: a thrown error or a returned `{ kind: "error" }`. */
function compileProblem(compile: Compile, policy: Policy): string | null {
  try {
    const out = compile(policy) as { kind?: unknown; reason?: unknown; issues?: unknown };
    if (out.kind !== "error") return null;
    return typeof out.reason === "string" ? out.reason : JSON.stringify(out.issues ?? out);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export class NoKernelEnforcer implements Enforcer {
  readonly kind = "no-kernel";
  #loaded: Loaded | null = null;
  #compile: Compile | null = null;
  #listeners = new Set<EventListener>();
  #counts = new Map<string, number>();

  async start(): Promise<StartResult> {
    this.#compile = await findCompiler();
    return { kind: "fresh" };
  }

  async apply(policy: Policy, meta: PolicyMeta): Promise<ApplyResult> {
    const t0 = performance.now();
    const problem = this.#compile ? compileProblem(this.#compile, policy) : null;
    const current = this.#loaded?.meta ?? null;
    if (problem !== null) return { kind: "rejected", stage: "compile", reason: problem, current };
    this.#loaded = { policy, meta };
    return { kind: "applied", policy: meta, durationMs: performance.now() - t0 };
  }

  status(): EnforcerStatus {
    const l = this.#loaded;
    const decisions: DecisionCount[] = [...this.#counts].map(([k, count]) => {
      const [hook = "", action = "allow"] = k.split(" ");
      return { hook, action: action as Action, count };
    });
    return {
      kind: this.kind,
      state: l ? { kind: "enforcing", policy: l.meta, mode: l.policy.mode } : { kind: "idle" },
      hooks: [],
      decisions,
      maps: [],
      eventsDropped: 0,
    };
  }

  subscribe(listener: EventListener): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Decides `request` as the kernel would, counts it and reports it to subscribers. */
  simulate(request: Request, task: TaskInfo): void {
    const l = this.#loaded;
    if (!l) return;
    const decision = decide(l.policy, request);
    const key = `${request.kind} ${decision.action}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    const event = requestEvent(request, decision, l.meta.generation, task);
    for (const f of this.#listeners) f(event);
  }

  async stop(): Promise<void> {
    this.#listeners.clear();
  }

  async uninstall(): Promise<void> {
    this.#loaded = null;
    this.#counts.clear();
  }
}
