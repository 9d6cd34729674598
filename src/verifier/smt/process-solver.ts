// z3 and cvc5 as child processes: the query is printed as one SMT-LIB script
// on stdin (check-sat, then get-value of the observed terms) and the first
// answer decides. A timer kills the process if the solver's own time limit
// does not stop it first.
import { spawn } from "node:child_process";
import { subterms } from "../vc/index.js";
import { logicFor, printTerms } from "./print.js";
import { literalValue, parseSExprs } from "./sexpr.js";
import type { Query, SatResult, ScriptSolver, Solver } from "./solver.js";

export interface ProcessSolverSpec {
  readonly name: string;
  readonly command: string;
  readonly args: (timeoutMs: number) => readonly string[];
  /** z3 4.8 rejects `(as const ...)` under a QF_ logic; it needs ALL then */
  readonly constArraysNeedAll: boolean;
}

export const Z3: ProcessSolverSpec = {
  name: "z3",
  command: "z3",
  args: (ms) => ["-in", "-smt2", `-t:${ms}`],
  constArraysNeedAll: true,
};

export const CVC5: ProcessSolverSpec = {
  name: "cvc5",
  command: "cvc5",
  args: (ms) => ["--lang=smt2", `--tlimit-per=${ms}`],
  constArraysNeedAll: false,
};

export function script(q: Query, constArraysNeedAll = false): string {
  const printed = printTerms([...q.assertions, ...q.observe]);
  const constArrays = subterms(q.assertions).some((t) => t.kind === "const-array");
  const logic = constArrays && constArraysNeedAll ? "ALL" : logicFor(q.assertions);
  const lines = ["(set-option :produce-models true)", `(set-logic ${logic})`];
  lines.push(...printed.preamble);
  lines.push(...q.assertions.map((a) => `(assert ${printed.print(a)})`), "(check-sat)");
  if (q.observe.length > 0) lines.push(`(get-value (${q.observe.map(printed.print).join(" ")}))`);
  return `${lines.join("\n")}\n(exit)\n`;
}

export function processSolver(spec: ProcessSolverSpec): Solver {
  return {
    name: spec.name,
    check: async (q, timeoutMs) =>
      parseAnswer(await run(spec, script(q, spec.constArraysNeedAll), timeoutMs), q.observe.length),
  };
}

/** The process for callers that write SMT-LIB themselves; a crash or a kill is an `unknown` answer. */
export function processScript(spec: ProcessSolverSpec): ScriptSolver {
  return {
    name: spec.name,
    run: async (text, timeoutMs) => {
      const out = await run(spec, text, timeoutMs);
      return out.failure === undefined ? out.stdout : `unknown\n; ${out.failure}`;
    },
  };
}

interface Output {
  readonly stdout: string;
  readonly stderr: string;
  readonly failure: string | undefined;
}

function run(spec: ProcessSolverSpec, input: string, timeoutMs: number): Promise<Output> {
  return new Promise((resolve) => {
    const child = spawn(spec.command, spec.args(timeoutMs), { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs + 2000);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, failure: `${spec.name}: ${e.message}` });
    });
    child.on("close", (_code, signal) => {
      clearTimeout(timer);
      resolve({
        stdout,
        stderr,
        failure: signal ? `${spec.name}: killed by ${signal} (timeout)` : undefined,
      });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

export function parseAnswer(out: Output, observed: number): SatResult {
  const answers = safeParse(out.stdout);
  const first = answers[0];
  if (first === "unsat") return { kind: "unsat" };
  if (first !== "sat") {
    const why =
      out.failure ??
      (typeof first === "string" ? first : JSON.stringify(first ?? out.stderr.trim()));
    return { kind: "unknown", reason: `smt: ${why}` };
  }
  const pairs = answers[1];
  if (observed === 0) return { kind: "sat", values: [] };
  if (!Array.isArray(pairs) || pairs.length !== observed)
    return { kind: "unknown", reason: `smt: bad get-value answer ${JSON.stringify(pairs)}` };
  const values = pairs.map((pair) =>
    Array.isArray(pair) ? literalValue(pair[1] ?? "") : undefined,
  );
  if (values.some((v) => v === undefined))
    return { kind: "unknown", reason: "smt: unreadable model value" };
  return { kind: "sat", values: values as (bigint | boolean)[] };
}

function safeParse(text: string) {
  try {
    return parseSExprs(text);
  } catch {
    return [text.trim()];
  }
}
