// The verifier as one call: an object's bytes in, a report out. Every
// program (or the one asked for) is linked, its context sized from the
// kernel's BTF, explored symbolically, and each obligation discharged by the
// solver; a refutation's model is replayed in the interpreter and located in
// the C source through .BTF.ext line info.
import { kernelBtf, type Btf } from "./btf/index.js";
import { buildCfg, linkProgram } from "./cfg/index.js";
import { readObject, rodataIssues, type ObjectSpec, type ProgramSpec } from "./object/index.js";
import { blame } from "./report/blame.js";
import { counterexample } from "./report/replay.js";
import { programContextInfo } from "./report/program-context.js";
import { sourceMap } from "./report/source-map.js";
import {
  programOk,
  totals,
  type ObligationReport,
  type ProgramReport,
  type VerifyResult,
} from "./report/verify-result.js";
import {
  CVC5,
  Z3,
  observables,
  processSolver,
  prove,
  script,
  type Solver,
  type Verdict,
} from "./smt/index.js";
import { LINT_KINDS, explore, not, objectContext, type Obligation } from "./vc/index.js";

export interface VerifyProgress {
  readonly program: string;
  readonly done: number;
  readonly total: number;
  readonly obligation: ObligationReport | undefined;
}

export interface VerifyOptions {
  readonly solver: Solver;
  readonly fileName?: string;
  readonly program?: string;
  readonly timeoutMs?: number;
  /** the kernel BTF in use (btf/kernel-btf.ts) by default; undefined when none can be read */
  readonly kernelBtf?: Btf | undefined;
  readonly unroll?: number;
  readonly maxPaths?: number;
  /** solver queries in flight at once (the embedded z3 serializes anyway) */
  readonly concurrency?: number;
  readonly onProgress?: (p: VerifyProgress) => void;
  /** receives each obligation's SMT-LIB query (for --emit-smt) */
  readonly emitSmt?: (name: string, text: string) => void;
  /**
   * Freeze read-only data as a loader would: the object's bytes with these
   * variables set (object/frozen-rodata.ts). Undefined: .rodata is unknown.
   */
  readonly rodata?: ReadonlyMap<string, bigint>;
}

export type VerifyOutcome =
  | { readonly kind: "ok"; readonly result: VerifyResult }
  | { readonly kind: "input-error"; readonly messages: readonly string[] };

export async function verifyObject(bytes: Buffer, options: VerifyOptions): Promise<VerifyOutcome> {
  const started = Date.now();
  const file = options.fileName ?? "object";
  const obj = readObject(bytes, file);
  if (obj.kind === "error")
    return {
      kind: "input-error",
      messages: obj.issues.map((i) => `${file}: ${i.field}: ${i.message}`),
    };
  const chosen = obj.value.programs.filter(
    (p) => options.program === undefined || p.name === options.program,
  );
  if (chosen.length === 0) {
    const names = obj.value.programs.map((p) => p.name).join(", ") || "none";
    const what = options.program === undefined ? "no programs" : `no program ${options.program}`;
    return { kind: "input-error", messages: [`${file}: verify: ${what} (programs: ${names})`] };
  }
  const badSettings = options.rodata ? rodataIssues(obj.value, options.rodata) : [];
  if (badSettings.length > 0)
    return { kind: "input-error", messages: badSettings.map((m) => `${file}: ${m}`) };
  const kernel = "kernelBtf" in options ? options.kernelBtf : kernelBtf();
  const programs: ProgramReport[] = [];
  for (const prog of chosen) programs.push(await verifyProgram(obj.value, prog, kernel, options));
  const result: VerifyResult = {
    file,
    solver: options.solver.name,
    programs,
    totals: totals(programs),
    ok: programs.every(programOk),
    ms: Date.now() - started,
  };
  return { kind: "ok", result };
}

async function verifyProgram(
  obj: ObjectSpec,
  prog: ProgramSpec,
  kernel: Btf | undefined,
  options: VerifyOptions,
): Promise<ProgramReport> {
  const info = programContextInfo(prog, kernel);
  const linked = linkProgram(obj, prog);
  const base = {
    name: prog.name,
    section: prog.section,
    progType: prog.progType,
    insns: linked.insns.length,
  };
  const failed = (error: string | undefined): ProgramReport => ({
    ...base,
    context: info.kind === "ok" ? info.source : "",
    ctxSize: info.kind === "ok" ? info.ctxSize : 0,
    paths: 0,
    truncated: false,
    error,
    obligations: [],
  });
  if (info.kind === "error") return failed(info.message);
  if (linked.issues.length > 0)
    return failed(`decode: ${linked.issues.map((i) => i.message).join("; ")}`);
  const cfg = buildCfg(linked.insns);
  // .text holds the subprograms of every program; those this one never calls are unreachable here.
  const issues = cfg.issues.filter((i) => !(i.code === "unreachable" && i.pc >= prog.insnCount));
  if (issues.length > 0) return failed(`cfg: ${issues.map((i) => i.message).join("; ")}`);
  const context = objectContext(
    obj,
    prog,
    linked,
    {
      ctxSize: info.ctxSize,
      ...(options.unroll === undefined ? {} : { unroll: options.unroll }),
      ...(options.maxPaths === undefined ? {} : { maxPaths: options.maxPaths }),
    },
    options.rodata,
  );
  const ex = explore(cfg, context);
  // An incomplete obligation set proves nothing; its queries (over thousands of paths) are not run.
  if (ex.truncated)
    return { ...failed(undefined), context: info.source, paths: ex.paths, truncated: true };
  const where = sourceMap(obj, prog);
  const setup = {
    obj,
    linked,
    ctxSize: info.ctxSize,
    lsm: info.lsm,
    unroll: context.unroll,
    where,
  };
  let done = 0;
  const discharge = async (ob: Obligation): Promise<ObligationReport> => {
    options.emitSmt?.(`${prog.name}-${ob.id}`, smtText(ob));
    const t0 = Date.now();
    const verdict = await prove(options.solver, ob, options.timeoutMs ?? 10_000);
    const cex = verdict.kind === "refuted" ? counterexample(setup, ob, verdict.model) : undefined;
    const source = blame(ob, linked, where, cex?.replay);
    const report = toReport(ob, verdict, source, Date.now() - t0, cex);
    options.onProgress?.({
      program: prog.name,
      done: ++done,
      total: ex.obligations.length,
      obligation: report,
    });
    return report;
  };
  const obligations = await pool(ex.obligations, options.concurrency ?? 4, discharge);
  return {
    ...base,
    context: info.source,
    ctxSize: info.ctxSize,
    paths: ex.paths,
    truncated: ex.truncated,
    error: undefined,
    obligations: obligations.sort((a, b) => a.pc - b.pc || a.kind.localeCompare(b.kind)),
  };
}

function smtText(ob: Obligation): string {
  const negated = not(ob.condition);
  return `; ${ob.message}\n${script({ assertions: [negated], observe: observables([negated]) }, true)}`;
}

function toReport(
  ob: Obligation,
  verdict: Verdict,
  source: ObligationReport["source"],
  ms: number,
  cex: ObligationReport["counterexample"],
): ObligationReport {
  const common = {
    id: ob.id,
    kind: ob.kind,
    pc: ob.pc,
    message: ob.message,
    lint: LINT_KINDS.has(ob.kind),
    source,
    ms,
  };
  switch (verdict.kind) {
    case "proved":
      return { ...common, status: "proved", reason: undefined, counterexample: undefined };
    case "unknown":
      return { ...common, status: "unknown", reason: verdict.reason, counterexample: undefined };
    case "refuted": {
      const c = cex ?? {
        inputs: [],
        replay: { kind: "not-replayed", reason: "no model", trace: [] },
      };
      const shown = c.replay.kind === "confirmed";
      return {
        ...common,
        status: shown ? "violated" : "unconfirmed",
        reason: shown ? c.replay.witness : `not replayed: ${c.replay.reason}`,
        counterexample: c,
      };
    }
    default:
      return verdict satisfies never;
  }
}

async function pool<T, R>(
  items: readonly T[],
  width: number,
  f: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, width) }, worker));
  return out;
}

export const SOLVER_NAMES = ["z3-embedded", "z3", "cvc5"] as const;
export type SolverName = (typeof SOLVER_NAMES)[number];

/** The solver behind a --solver name; z3 and cvc5 are the system's binaries. */
export async function solverByName(name: SolverName): Promise<Solver> {
  switch (name) {
    case "z3-embedded":
      return (await import("./smt/z3-embedded.js")).embeddedZ3();
    case "z3":
      return processSolver(Z3);
    case "cvc5":
      return processSolver(CVC5);
    default:
      return name satisfies never;
  }
}

/** Solver queries worth running at once: processes in parallel, the wasm build one at a time. */
export const solverConcurrency = (name: SolverName): number => (name === "z3-embedded" ? 1 : 4);
