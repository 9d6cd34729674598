// Proving one source of positions (position-source.ts): positions whose two
// sides print alike are equal as written; the rest rest on placement lemmas
// (lemmas.ts) or are solved whole, many per query, each distinct formula
// once. A model the solver finds is turned into concrete requests and
// confirmed by decide() and the lookup model before anything is reported.
import type { SubjectIdentity } from "../../policy/request.js";
import type { Confirmer } from "./counterexample.js";
import { lemmaKey, lemmasFor, type Lemma } from "./lemmas.js";
import type { Position } from "./position-request.js";
import type { PositionProblem, PositionSource } from "./position-source.js";
import { encodeProblem, type EncodedProblem } from "./problem-smt.js";
import { definitionLines } from "./smt-text.js";
import type { Answer } from "./solver-answer.js";
import type { SubjectEncoding } from "./subject.js";
import type { ValidationResult } from "./validate.js";

const LEMMA_BATCH = 200_000;
/** Concrete requests tried per model: enough to find the one a batch's model shows. */
const CONFIRM_LIMIT = 1_000;

/** What proving needs besides the positions: the solver, and the concrete check. */
export interface Prover {
  readonly subject: SubjectEncoding;
  readonly confirmer: Confirmer;
  readonly solverName: string;
  readonly batchChars: number;
  readonly run: (text: string) => Promise<Answer>;
}

export interface Counts {
  readonly positions: number;
  readonly identical: number;
  readonly lemmas: number;
  readonly problems: number;
  readonly queries: number;
}

export type Proof =
  | ({
      readonly kind: "proved";
      /**
       * Positions where the solver found a disagreement that no request the
       * source offers shows (only when asked to go on past them).
       */
      readonly unsettled: readonly Position[];
    } & Counts)
  | { readonly kind: "refuted"; readonly result: ValidationResult };

export const addCounts = (a: Counts, b: Counts): Counts => ({
  positions: a.positions + b.positions,
  identical: a.identical + b.identical,
  lemmas: a.lemmas + b.lemmas,
  problems: a.problems + b.problems,
  queries: a.queries + b.queries,
});

/** Positions that print the same formula: solved once. */
interface Pending {
  readonly problem: PositionProblem;
  readonly encoded: EncodedProblem;
  readonly positions: Position[];
}

interface Collected {
  readonly positions: number;
  readonly identical: number;
  readonly lemmas: Map<string, Lemma>;
  /** positions proved by lemmas, by the lemma keys they rest on (rebuilt only if one fails) */
  readonly byLemmas: { readonly position: Position; readonly keys: readonly string[] }[];
  readonly whole: Map<string, Pending>;
}

export type Refuted = Extract<Proof, { kind: "refuted" }>;

const unknown = (prover: Prover, reason: string): Refuted => ({
  kind: "refuted",
  result: { kind: "unknown", reason: `${prover.solverName}: ${reason}` },
});

/**
 * unsettled "report": a disagreement no request shows is reported as unknown
 * (an encoding bug). "collect": its positions are solved one by one and
 * those still unsettled are returned, for a finer check to take over.
 */
export async function prove(
  source: PositionSource,
  prover: Prover,
  unsettled: "report" | "collect" = "report",
): Promise<Proof> {
  const c = collect(source);
  const lemmas = await proveLemmas(c, source, prover);
  if (lemmas.failed !== null) return unknown(prover, lemmas.failed);
  let queries = lemmas.queries;
  const open: Position[] = [];
  const whole = [...c.whole.values()].map((p) => ({ ...p, size: p.encoded.differs.length }));
  for (const batch of batches(whole, prover.batchChars)) {
    queries++;
    const r = await solve(batch, prover);
    if (r.kind === "unknown") return unknown(prover, r.reason);
    if (r.kind === "unsat") continue;
    const subject = prover.subject.subjectFrom(r.values);
    const found = confirmed(satisfied(batch, r.holds), source, subject, prover);
    if (found !== null) return found;
    if (unsettled === "report") return unknown(prover, unconfirmed(batch, r.values, prover));
    const one = await oneByOne(batch, source, prover);
    if (one.kind === "refuted") return one;
    queries += one.queries;
    open.push(...one.open);
  }
  return {
    kind: "proved",
    unsettled: open,
    positions: c.positions,
    identical: c.identical,
    lemmas: c.lemmas.size,
    problems: whole.length,
    queries,
  };
}

/** The batch's formulas, each named (`differsName`), so a model tells which of them hold. */
function solve(batch: readonly Pending[], prover: Prover): Promise<Answer> {
  const deps = new Set(batch.flatMap((p) => [...p.encoded.deps]));
  return prover.run(
    script(
      prover.subject,
      deps,
      batch.map((p) => p.encoded.differs),
      true,
    ),
  );
}

const differsName = (k: number) => `pw_d${k}`;

/** The batch's problems whose formula holds in the model, first. */
function satisfied(batch: readonly Pending[], holds: ReadonlySet<string>): Pending[] {
  const yes = batch.filter((_p, k) => holds.has(differsName(k)));
  return [...yes, ...batch.filter((_p, k) => !holds.has(differsName(k)))];
}

/** Each formula of a batch alone: a model of its own may show a request the batch's did not. */
async function oneByOne(
  batch: readonly Pending[],
  source: PositionSource,
  prover: Prover,
): Promise<{ kind: "open"; open: Position[]; queries: number } | Refuted> {
  const open: Position[] = [];
  for (const p of batch) {
    const r = await solve([p], prover);
    if (r.kind === "unknown") return unknown(prover, r.reason);
    if (r.kind === "unsat") continue;
    const found = confirmed([p], source, prover.subject.subjectFrom(r.values), prover);
    if (found !== null) return found;
    open.push(...p.positions);
  }
  return { kind: "open", open, queries: batch.length };
}

function addWhole(c: Collected, problem: PositionProblem, encoded: EncodedProblem): void {
  const known = c.whole.get(encoded.signature);
  if (known === undefined)
    c.whole.set(encoded.signature, { problem, encoded, positions: [problem.position] });
  else known.positions.push(problem.position);
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
    if (lemmas === null) addWhole(c, problem, encoded);
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
      addWhole(c, problem, encodeProblem(problem));
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

/** One query: can any of `differs` hold for a real task? (named: and which of them?) */
function script(
  subject: SubjectEncoding,
  deps: Set<string>,
  differs: readonly string[],
  named = false,
): string {
  const names = differs.map((_d, k) => differsName(k));
  const lines = [
    "(set-option :produce-models true)",
    "(set-logic QF_BV)",
    ...subject.declarations(),
    ...definitionLines(deps, (n) => subject.definition(n)),
    ...subject.assumptions(),
    ...(named
      ? [
          ...differs.map((d, k) => `(define-fun ${differsName(k)} () Bool ${d})`),
          `(assert (or false ${names.join(" ")}))`,
        ]
      : [`(assert (or false ${differs.join("\n")}))`]),
    "(check-sat)",
    `(get-value (${subject.variableNames().join(" ")}))`,
    ...(named ? [`(get-value (${names.join(" ")}))`] : []),
    "(exit)",
  ];
  return `${lines.join("\n")}\n`;
}

/** A confirmed difference on a request of one of the batch's positions, or null. */
function confirmed(
  batch: readonly Pending[],
  source: PositionSource,
  subject: SubjectIdentity,
  prover: Prover,
): Refuted | null {
  let tried = 0;
  for (const { positions } of batch)
    for (const position of positions)
      for (const request of source.requests(position, subject)) {
        const d = prover.confirmer.check(request);
        if (d !== null) return { kind: "refuted", result: { kind: "differs", ...d } };
        if (++tried >= CONFIRM_LIMIT) return null;
      }
  return null;
}

const json = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}` : x));

function unconfirmed(
  batch: readonly Pending[],
  values: ReadonlyMap<string, bigint>,
  prover: Prover,
): string {
  const subject = prover.subject.subjectFrom(values);
  return `a disagreement the concrete check does not confirm (policy check encoding): subject ${json(subject)}, ${batch.length} position(s) from ${json(batch[0]?.problem.position)}`;
}
