// validateImage: proves, before a compiled policy is written into the kernel,
// that the decision its map contents encode equals decide(policy, request)
// for every request of the classes the kernel decides from the maps. The
// request space is cut into positions (positions.ts; the network class in
// net-levels.ts or net-addresses.ts); per position both
// sides are first-match lists over the symbolic subject, and the solver
// shows that no subject makes them differ. Many positions go into one query;
// positions that print alike are solved once. A disagreement comes back as a
// concrete request, confirmed by running decide() and the lookup model on it.
import type { FileKey } from "../../abi/file-key.js";
import { PwClass } from "../../abi/policy-records.js";
import type { MapImage } from "../../compile/image.js";
import type { Policy, ResourceClass } from "../../policy/model.js";
import { RESOURCE_KEYS } from "../../policy/schema-resources.js";
import type { SubjectIdentity } from "../../policy/request.js";
import { parseSExprs, literalValue } from "../smt/sexpr.js";
import type { ScriptSolver } from "../smt/solver.js";
import { Confirmer, type Difference } from "./counterexample.js";
import { requestAt, type Position } from "./position-request.js";
import { readTables } from "./image-tables.js";
import { CHECKED_CLASSES, PositionBuilder } from "./positions.js";
import type { PositionProblem, PositionSource } from "./position-source.js";
import type { ImageTables } from "./image-tables.js";
import { NetIndex } from "./net-index.js";
import { NetLevels } from "./net-levels.js";
import { NetAddresses } from "./net-addresses.js";
import { encodeProblem, type EncodedProblem } from "./problem-smt.js";
import { lemmaKey, lemmasFor, type Lemma } from "./lemmas.js";
import { definitionLines } from "./smt-text.js";
import { SubjectEncoding } from "./subject.js";

export interface ValidationStats {
  readonly rules: number;
  readonly entries: number;
  /** positions where the policy or the image names something */
  readonly positions: number;
  /** positions whose two sides encode to the same formula (equal by construction) */
  readonly identical: number;
  /** placement equivalences proved once and used by many positions */
  readonly lemmas: number;
  /** distinct whole-position formulas sent to the solver (positions the lemmas do not cover) */
  readonly problems: number;
  readonly queries: number;
  /** the network part: its positions (counted in `positions` too) and how they were cut */
  readonly network: { readonly positions: number; readonly by: NetworkCut };
  readonly solver: string;
  /** time spent waiting for the solver */
  readonly solverMs: number;
  readonly ms: number;
  /** what the proof does not cover, in words */
  readonly notChecked: readonly string[];
}

/**
 * levels: one position per named prefix (net-levels.ts); addresses: one per
 * class of destinations, the exact check (net-addresses.ts), for an image that
 * is not levelled or when a disagreement between levels names no real request.
 */
export type NetworkCut = "levels" | "addresses" | "levels, then addresses";

export type ValidationResult =
  | ({ readonly kind: "valid" } & ValidationStats)
  | ({ readonly kind: "differs" } & Difference)
  | { readonly kind: "unknown"; readonly reason: string }
  | { readonly kind: "malformed"; readonly reason: string };

export interface ValidateOptions {
  /** the embedded z3 by default */
  readonly solver?: ScriptSolver;
  /** per solver query */
  readonly timeoutMs?: number;
  /** characters of formula per query */
  readonly batchChars?: number;
}

const DEFAULT_BATCH_CHARS = 20_000;
const LEMMA_BATCH = 200_000;
const ATTEMPTS = 3;

interface Pending {
  readonly source: PositionSource;
  readonly problem: PositionProblem;
  readonly encoded: EncodedProblem;
}

/** What proving needs besides the positions: the solver, and the concrete check. */
interface Prover {
  readonly subject: SubjectEncoding;
  readonly confirmer: Confirmer;
  readonly solverName: string;
  readonly batchChars: number;
  readonly run: (text: string) => Promise<Answer>;
}

interface Counts {
  readonly positions: number;
  readonly identical: number;
  readonly lemmas: number;
  readonly problems: number;
  readonly queries: number;
}

type Proof =
  | ({ readonly kind: "proved" } & Counts)
  | { readonly kind: "refuted"; readonly result: ValidationResult }
  /** the solver found a disagreement that no request of the positions shows */
  | { readonly kind: "unconfirmed"; readonly reason: string };

const add = (a: Counts, b: Counts): Counts => ({
  positions: a.positions + b.positions,
  identical: a.identical + b.identical,
  lemmas: a.lemmas + b.lemmas,
  problems: a.problems + b.problems,
  queries: a.queries + b.queries,
});

export async function validateImage(
  policy: Policy,
  image: MapImage,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const t0 = performance.now();
  const read = readTables(image);
  if (read.kind === "malformed") return read;
  const tables = read.tables;
  const confirmer = new Confirmer(policy, image);
  const fresh = freshKey(policy, tables);
  const subject = SubjectEncoding.forPolicy(tables, policy);
  const byDefault = checkDefaults(confirmer, subject.subjectFrom(new Map()), fresh);
  if (byDefault !== null) return { kind: "differs", ...byDefault };
  const solver = options.solver ?? (await import("../smt/z3-embedded.js")).embeddedZ3Script();
  let solverMs = 0;
  // The wasm z3 now and then reads a script garbled (z3-embedded.ts): any
  // error but the one get-value gives after unsat makes the answer void.
  const run = async (text: string): Promise<Answer> => {
    let r: Answer = { kind: "unknown", reason: "no answer" };
    for (let i = 0; i < ATTEMPTS && (i === 0 || r.kind === "unknown"); i++) {
      const s0 = performance.now();
      const answer = await solver.run(text, options.timeoutMs ?? 60_000);
      solverMs += performance.now() - s0;
      r = readAnswer(answer, subject.variableNames());
    }
    return r;
  };
  const prover: Prover = {
    subject,
    confirmer,
    solverName: solver.name,
    batchChars: options.batchChars ?? DEFAULT_BATCH_CHARS,
    run,
  };
  const rest = await prove(new PositionBuilder(policy, tables, subject, fresh), prover);
  if (rest.kind !== "proved") return finalResult(rest);
  const net = await proveNetwork(policy, tables, prover);
  if (net.proof.kind !== "proved") return finalResult(net.proof);
  // Last: a concrete request from a position is the better report when there is one.
  const defaults = defaultsProblem(policy, tables);
  if (defaults !== null) return { kind: "malformed", reason: defaults };
  const counts = add(rest, net.proof);
  return {
    kind: "valid",
    rules: policy.rules.length,
    entries: image.rules.length + image.net.length,
    ...counts,
    network: { positions: net.proof.positions, by: net.by },
    solver: solver.name,
    solverMs,
    ms: performance.now() - t0,
    notChecked: notChecked(policy),
  };
}

function finalResult(p: Exclude<Proof, { kind: "proved" }>): ValidationResult {
  return p.kind === "refuted" ? p.result : { kind: "unknown", reason: p.reason };
}

/**
 * By levels when the image is levelled; by classes of destinations when it is
 * not, or when the solver's disagreement between levels shows on no address
 * tried (a level is reached only where nothing deeper matches).
 */
async function proveNetwork(
  policy: Policy,
  tables: ImageTables,
  prover: Prover,
): Promise<{ proof: Proof; by: NetworkCut }> {
  const index = new NetIndex(policy, tables.net);
  const exact = () => prove(new NetAddresses(policy, tables, prover.subject, index), prover);
  if (tables.net.notLevelled !== null) return { proof: await exact(), by: "addresses" };
  const levels = await prove(new NetLevels(policy, tables, prover.subject, index), prover);
  if (levels.kind !== "unconfirmed") return { proof: levels, by: "levels" };
  return { proof: await exact(), by: "levels, then addresses" };
}

async function prove(source: PositionSource, prover: Prover): Promise<Proof> {
  const c = collect(source);
  const lemmas = await proveLemmas(c, source, prover);
  if (lemmas.failed !== null)
    return {
      kind: "refuted",
      result: { kind: "unknown", reason: `${prover.solverName}: ${lemmas.failed}` },
    };
  let queries = lemmas.queries;
  const whole = [...c.whole.values()].map((p) => ({ ...p, size: p.encoded.differs.length }));
  for (const batch of batches(whole, prover.batchChars)) {
    queries++;
    const deps = new Set(batch.flatMap((p) => [...p.encoded.deps]));
    const r = await prover.run(
      script(
        prover.subject,
        deps,
        batch.map((p) => p.encoded.differs),
      ),
    );
    if (r.kind === "unknown")
      return {
        kind: "refuted",
        result: { kind: "unknown", reason: `${prover.solverName}: ${r.reason}` },
      };
    if (r.kind === "sat") return confirmed(batch, prover.subject.subjectFrom(r.values), prover);
  }
  return {
    kind: "proved",
    positions: c.positions,
    identical: c.identical,
    lemmas: c.lemmas.size,
    problems: whole.length,
    queries,
  };
}

interface Collected {
  readonly positions: number;
  readonly identical: number;
  readonly lemmas: Map<string, Lemma>;
  /** positions proved by lemmas, by the lemma keys they rest on (rebuilt only if one fails) */
  readonly byLemmas: { readonly position: Position; readonly keys: readonly string[] }[];
  readonly whole: Map<string, Pending>;
}

function collect(source: PositionSource): Collected {
  const c: Collected = {
    positions: 0,
    identical: 0,
    lemmas: new Map(),
    byLemmas: [],
    whole: new Map(),
  };
  let identical = 0;
  let positions = 0;
  for (const position of source.positions()) {
    const problem = source.problem(position);
    if (problem.kernel.length === 0 && problem.decide.length === 0) continue;
    positions++;
    const encoded = encodeProblem(problem);
    if (encoded.kernelText === encoded.decideText) {
      identical++;
      continue;
    }
    const lemmas = lemmasFor(problem);
    if (lemmas === null) c.whole.set(encoded.signature, { source, problem, encoded });
    else {
      lemmas.forEach((l) => c.lemmas.set(lemmaKey(l), l));
      c.byLemmas.push({ position: problem.position, keys: lemmas.map(lemmaKey) });
    }
  }
  return { ...c, positions, identical };
}

/** Proves the lemmas; positions resting on one the solver could not prove are solved whole. */
async function proveLemmas(
  c: Collected,
  source: PositionSource,
  prover: Prover,
): Promise<{ queries: number; failed: string | null }> {
  const all = [...c.lemmas.entries()];
  let queries = 0;
  const unproved = new Set<string>();
  for (const batch of batches(
    all.map(([k, l]) => ({ k, l, size: l.kernel.length + l.decide.length })),
    LEMMA_BATCH,
  )) {
    queries++;
    const deps = new Set(batch.flatMap((b) => b.l.deps));
    const differs = batch.map((b) => `(distinct ${b.l.kernel} ${b.l.decide})`);
    const r = await prover.run(script(prover.subject, deps, differs));
    if (r.kind === "unknown") return { queries, failed: r.reason };
    if (r.kind === "sat") batch.forEach((b) => unproved.add(b.k));
  }
  for (const { position, keys } of c.byLemmas)
    if (keys.some((k) => unproved.has(k))) {
      const problem = source.problem(position);
      const encoded = encodeProblem(problem);
      c.whole.set(encoded.signature, { source, problem, encoded });
    }
  return { queries, failed: null };
}

function* batches<T extends { readonly size: number }>(
  all: readonly T[],
  maxChars: number,
): Generator<T[]> {
  let batch: T[] = [];
  let chars = 0;
  for (const p of all) {
    batch.push(p);
    chars += p.size;
    if (chars >= maxChars) {
      yield batch;
      batch = [];
      chars = 0;
    }
  }
  if (batch.length > 0) yield batch;
}

/** One query: can any of `differs` hold for a real task? */
function script(subject: SubjectEncoding, deps: Set<string>, differs: readonly string[]): string {
  const lines = [
    "(set-option :produce-models true)",
    "(set-logic QF_BV)",
    ...subject.declarations(),
    ...definitionLines(deps, (n) => subject.definition(n)),
    ...subject.assumptions(),
    `(assert (or false ${differs.join("\n")}))`,
    "(check-sat)",
    `(get-value (${subject.variableNames().join(" ")}))`,
    "(exit)",
  ];
  return `${lines.join("\n")}\n`;
}

type Answer =
  | { readonly kind: "unsat" }
  | { readonly kind: "sat"; readonly values: Map<string, bigint> }
  | { readonly kind: "unknown"; readonly reason: string };

const AFTER_UNSAT = /model is not available/;

function readAnswer(text: string, variables: readonly string[]): Answer {
  let parsed;
  try {
    parsed = parseSExprs(text);
  } catch {
    return { kind: "unknown", reason: text.trim().slice(0, 200) };
  }
  const [first, pairs] = parsed;
  const errors = parsed
    .filter((e) => Array.isArray(e) && e[0] === "error")
    .map((e) => String(e[1]));
  const foreign = errors.find((e) => !(first === "unsat" && AFTER_UNSAT.test(e)));
  if (foreign !== undefined) return { kind: "unknown", reason: `solver error ${foreign}` };
  if (first === "unsat") return { kind: "unsat" };
  if (first !== "sat" || !Array.isArray(pairs))
    return { kind: "unknown", reason: JSON.stringify(first ?? text.trim()).slice(0, 200) };
  const values = new Map<string, bigint>();
  for (const pair of pairs) {
    const [name, value] = Array.isArray(pair) ? pair : [];
    const v = value === undefined ? undefined : literalValue(value);
    if (typeof name === "string" && typeof v === "bigint") values.set(name, v);
  }
  const missing = variables.find((v) => !values.has(v));
  if (missing !== undefined) return { kind: "unknown", reason: `no model value for ${missing}` };
  return { kind: "sat", values };
}

function confirmed(batch: readonly Pending[], subject: SubjectIdentity, prover: Prover): Proof {
  for (const { source, problem } of batch)
    for (const request of source.requests(problem.position, subject)) {
      const d = prover.confirmer.check(request);
      if (d !== null) return { kind: "refuted", result: { kind: "differs", ...d } };
    }
  return {
    kind: "unconfirmed",
    reason: `${prover.solverName}: a disagreement the concrete check does not confirm (policy check encoding): subject ${JSON.stringify(subject, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v))}, ${batch.length} position(s) from ${JSON.stringify(batch[0]?.problem.position, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v))}`,
  };
}

/** A file key that nothing names, for requests whose walk must find nothing there. */
function freshKey(policy: Policy, tables: ImageTables): FileKey {
  let max = 0n;
  for (const k of tables.files.keys()) {
    const ino = BigInt(k.split(":")[1] ?? "0");
    if (ino > max) max = ino;
  }
  for (const r of policy.rules) {
    const res = r.resource;
    const keys =
      res.kind === "files" || res.kind === "exec"
        ? res.targets.map((t) => t.key)
        : res.kind === "unix"
          ? res.sockets
          : [];
    for (const k of keys) if (k.ino > max) max = k.ino;
  }
  return { dev: 0, ino: max + 1n };
}

/**
 * The class defaults, on requests that name nothing: a fresh file for the
 * file-keyed classes (where a disagreement comes with a request to show).
 */
function checkDefaults(c: Confirmer, subject: SubjectIdentity, fresh: FileKey): Difference | null {
  for (const cls of [PwClass.files, PwClass.exec, PwClass.unix]) {
    const position = { kind: "file", cls, key: fresh, op: 0, ancestor: false } as const;
    const d = c.check(requestAt(position, subject, fresh));
    if (d !== null) return d;
  }
  return null;
}

/**
 * Every class default and the audit switch, compared directly: a position
 * whose candidates all miss falls to the default on both sides, which the
 * per-position proofs take as equal.
 */
function defaultsProblem(policy: Policy, tables: ImageTables): string | null {
  if (tables.config.auditMode !== (policy.mode === "audit"))
    return `config: audit mode is ${tables.config.auditMode ? "on" : "off"} in the maps, the policy's mode is ${policy.mode}`;
  for (const cls of RESOURCE_KEYS) {
    const denied = (tables.config.denyDefaults & (1 << PwClass[cls])) !== 0;
    if (denied !== (policy.defaults[cls] === "deny"))
      return `config: the ${cls} default is ${denied ? "deny" : "allow"} in the maps, ${policy.defaults[cls]} in the policy`;
  }
  return null;
}

function notChecked(policy: Policy): string[] {
  const checked = new Set<ResourceClass>(CHECKED_CLASSES);
  const counts = new Map<ResourceClass, number>();
  for (const r of policy.rules)
    if (!checked.has(r.resource.kind))
      counts.set(r.resource.kind, (counts.get(r.resource.kind) ?? 0) + 1);
  return [...counts].map(
    ([cls, n]) => `${cls}: ${n} rule(s) of a class this proof does not cover yet`,
  );
}
