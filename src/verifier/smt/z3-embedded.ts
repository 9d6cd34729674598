// z3 compiled to WebAssembly (the z3-solver package) as a Solver: no process
// per query, one shared instance per process. The query is the same SMT-LIB
// script the z3 process gets, evaluated by Z3_eval_smtlib2_string after a
// (reset), so queries never see each other's declarations. Calls are
// serialized: the wasm build runs one solver call at a time.
import { parseAnswer, script } from "./process-solver.js";
import type { Query, SatResult, Solver } from "./solver.js";

interface Embedded {
  readonly api: Awaited<ReturnType<typeof import("z3-solver").init>>;
  readonly ctx: unknown;
}

let instance: Promise<Embedded> | undefined;
let queue: Promise<unknown> = Promise.resolve();

async function start(): Promise<Embedded> {
  const { init } = await import("z3-solver");
  const api = await init();
  const cfg = api.Z3.mk_config();
  const ctx = api.Z3.mk_context_rc(cfg);
  api.Z3.del_config(cfg);
  return { api, ctx };
}

/** Initializes the shared instance (1-3 s once per process); later calls reuse it. */
export const embeddedInstance = (): Promise<Embedded> => (instance ??= start());

async function evaluate(text: string, timeoutMs: number): Promise<string> {
  const { api, ctx } = await embeddedInstance();
  const z3 = api.Z3;
  const c = ctx as Parameters<typeof z3.eval_smtlib2_string>[0];
  // The solver's own limit normally stops it; interrupt is the backstop.
  const backstop = setTimeout(() => z3.interrupt(c), timeoutMs + 2000);
  try {
    return await z3.eval_smtlib2_string(c, `(reset)\n(set-option :timeout ${timeoutMs})\n${text}`);
  } finally {
    clearTimeout(backstop);
  }
}

function serialized<T>(job: () => Promise<T>): Promise<T> {
  const next = queue.then(job, job);
  queue = next.catch(() => undefined);
  return next;
}

export function embeddedZ3(): Solver {
  return {
    name: "z3-embedded",
    check: (q: Query, timeoutMs: number): Promise<SatResult> =>
      serialized(async () => {
        try {
          const stdout = await evaluate(script(q, true), timeoutMs);
          return parseAnswer({ stdout, stderr: "", failure: undefined }, q.observe.length);
        } catch (e) {
          return { kind: "unknown", reason: `z3-embedded: ${(e as Error).message}` };
        }
      }),
  };
}

/**
 * Stops z3's worker threads so the process can exit; the next query starts
 * a fresh instance. Call once when all verification is done.
 */
export async function disposeEmbeddedZ3(): Promise<void> {
  const current = instance;
  instance = undefined;
  if (current === undefined) return;
  const { api, ctx } = await current;
  await queue;
  api.Z3.del_context(ctx as Parameters<typeof api.Z3.del_context>[0]);
  const { killThreads } = await import("z3-solver");
  await killThreads(api.em).catch(() => undefined);
}
