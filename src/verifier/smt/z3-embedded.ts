// z3 compiled to WebAssembly (the z3-solver package) as a Solver: no process
// per query, one shared instance per process. The query is the same SMT-LIB
// script the z3 process gets, evaluated by Z3_eval_smtlib2_string in a
// fresh context, so queries never see each other's declarations. Calls are
// serialized: the wasm build runs one solver call at a time.
import { parseAnswer, script } from "./process-solver.js";
import type { Query, SatResult, ScriptSolver, Solver } from "./solver.js";

interface Embedded {
  readonly api: Awaited<ReturnType<typeof import("z3-solver").init>>;
}

let instance: Promise<Embedded> | undefined;
let queue: Promise<unknown> = Promise.resolve();

async function start(): Promise<Embedded> {
  const { init } = await import("z3-solver");
  return { api: await init() };
}

/** Initializes the shared instance (1-3 s once per process); later calls reuse it. */
export const embeddedInstance = (): Promise<Embedded> => (instance ??= start());

async function evaluate(text: string, timeoutMs: number): Promise<string> {
  const z3 = (await embeddedInstance()).api.Z3;
  // A context per query: a long-lived one kept parser state across scripts
  // (errors quoting line numbers of earlier queries were seen on self_protect).
  const cfg = z3.mk_config();
  const c = z3.mk_context_rc(cfg);
  z3.del_config(cfg);
  // The solver's own limit normally stops it; interrupt is the backstop.
  const backstop = setTimeout(() => z3.interrupt(c), timeoutMs + 2000);
  try {
    return await z3.eval_smtlib2_string(c, `(set-option :timeout ${timeoutMs})\n${text}`);
  } finally {
    clearTimeout(backstop);
    z3.del_context(c);
  }
}

function serialized<T>(job: () => Promise<T>): Promise<T> {
  const next = queue.then(job, job);
  queue = next.catch(() => undefined);
  return next;
}

/**
 * The wasm build now and then parses a garbled script ("unsupported", or an
 * error quoting a line the script does not have; seen on about 1 query in
 * 400 on self_protect), so a script the parser rejects is evaluated again.
 * The garbling may also hit the get-value after a sat ("unknown constant"
 * for a name the script declares), which leaves the model unreadable: that
 * answer is evaluated again too. (After unsat, get-value always errs: no
 * model. That is not garbling.)
 */
const GARBLED = /^\s*(unsupported|\(error|sat\b[\s\S]*\(error)/;
const ATTEMPTS = 3;

/** The same instance for callers that write SMT-LIB themselves; answers z3's raw output. */
export function embeddedZ3Script(): ScriptSolver {
  return {
    name: "z3-embedded",
    run: (text: string, timeoutMs: number): Promise<string> =>
      serialized(async () => {
        let stdout = "";
        for (let i = 0; i < ATTEMPTS; i++) {
          stdout = await evaluate(text, timeoutMs);
          if (!GARBLED.test(stdout)) break;
        }
        return stdout;
      }),
  };
}

export function embeddedZ3(): Solver {
  return {
    name: "z3-embedded",
    check: (q: Query, timeoutMs: number): Promise<SatResult> =>
      serialized(async () => {
        const text = script(q, true);
        let stdout = "";
        try {
          for (let i = 0; i < ATTEMPTS; i++) {
            stdout = await evaluate(text, timeoutMs);
            if (!GARBLED.test(stdout)) break;
          }
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
  const { api } = await current;
  await queue;
  const { killThreads } = await import("z3-solver");
  await killThreads(api.em).catch(() => undefined);
}
