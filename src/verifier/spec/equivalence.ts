// Functional equivalence of two explorations of one program (an original and
// a mutant), proved by the solver. The outcome of a run under the functional
// model is what a specification can observe (spec.ts, ExitView): the verdict
// (the low 32 bits of r0), the maps written in order, and the ring-buffer
// records submitted, each with whether its reservation succeeded and its
// bytes. Both explorations run over the same symbolic inputs (context, kernel
// memory, map contents, stable helpers, full ring buffers, and the fresh
// inputs canonical-inputs.ts names alike), so one query asks whether some
// input drives the two programs down paths with different outcomes:
//   OR over exits a of A, b of B of  path(a) and path(b) and differ(a, b).
// unsat proves the outcomes equal for every input and map content. This
// needs every input to reach an exit in both programs, which holds when
// neither exploration was truncated and every safety obligation is proved
// (a path that ends elsewhere ends at an obligation that is false).
import type { Solver } from "../smt/index.js";
import { observables, toAssignment } from "../smt/index.js";
import {
  FALSE,
  TRUE,
  and,
  bv,
  eq,
  evalBool,
  extract,
  not,
  or,
  select,
  type Assignment,
  type ExitRecord,
  type Term,
  type TraceEvent,
} from "../vc/index.js";
import { CanonicalInputs } from "./canonical-inputs.js";

export type Equivalence =
  | {
      readonly kind: "equivalent";
      /** exit pairs whose outcomes differ syntactically, each shown infeasible by the solver */
      readonly pairs: number;
    }
  | {
      readonly kind: "different";
      readonly model: Assignment;
      /** the exit slots of the pair the model drives both programs to, when it confirms */
      readonly witness: string | undefined;
    }
  | { readonly kind: "unknown"; readonly reason: string };

interface SubmittedRecord {
  readonly map: string;
  readonly ok: Term;
  readonly bytes: Term;
}

/** One exit with its fresh inputs canonically named. */
interface Outcome {
  readonly pc: number;
  readonly path: Term;
  readonly ret: Term;
  readonly writes: readonly string[];
  readonly records: readonly SubmittedRecord[];
}

function records(trace: readonly TraceEvent[]): SubmittedRecord[] {
  return trace.flatMap((e) => {
    if (e.kind !== "ringbuf-submit") return [];
    const reserve = trace.find((r) => r.kind === "ringbuf-reserve" && r.region === e.region);
    // A submit of no reservation is a safety failure; counting it as emitted is stricter.
    const ok = reserve?.kind === "ringbuf-reserve" ? reserve.ok : TRUE;
    const map = reserve?.kind === "ringbuf-reserve" ? reserve.map : "?";
    return [{ map, ok, bytes: e.bytes }];
  });
}

function outcome(exit: ExitRecord): Outcome {
  const names = new CanonicalInputs();
  const r = (t: Term) => names.rename(t);
  return {
    pc: exit.pc,
    path: r(and(...exit.path)),
    ret: r(extract(31, 0, exit.r0)),
    writes: exit.trace.flatMap((e) => (e.kind === "map-write" ? [e.map] : [])),
    records: records(exit.trace).map((x) => ({
      map: x.map,
      ok: r(x.ok),
      bytes: r(x.bytes),
    })),
  };
}

/** The constant offsets a record's bytes were stored at, and the array below the stores. */
function stores(bytes: Term): { offsets: bigint[]; base: Term } {
  const offsets: bigint[] = [];
  let t = bytes;
  while (t.kind === "store") {
    if (t.index.kind !== "bv-const")
      throw new Error("equivalence: a record byte is stored at a symbolic offset");
    offsets.push(t.index.value);
    t = t.array;
  }
  return { offsets, base: t };
}

/** Some byte of the two records differs (bytes neither program stored are the same input). */
function bytesDiffer(a: Term, b: Term): Term {
  if (a === b) return FALSE;
  const sa = stores(a);
  const sb = stores(b);
  if (sa.base !== sb.base) throw new Error("equivalence: records over different initial bytes");
  const offsets = [...new Set([...sa.offsets, ...sb.offsets])];
  return or(...offsets.map((o) => not(eq(select(a, bv(o, 64)), select(b, bv(o, 64))))));
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** The outcomes of two exits differ: a term over the inputs (TRUE when their shapes differ). */
function differ(a: Outcome, b: Outcome): Term {
  if (!sameList(a.writes, b.writes)) return TRUE;
  if (
    !sameList(
      a.records.map((r) => r.map),
      b.records.map((r) => r.map),
    )
  )
    return TRUE;
  const recordDiffers = a.records.map((ra, i) => {
    const rb = b.records[i] as SubmittedRecord;
    return or(not(eq(ra.ok, rb.ok)), and(ra.ok, bytesDiffer(ra.bytes, rb.bytes)));
  });
  return or(not(eq(a.ret, b.ret)), ...recordDiffers);
}

/** The query's disjuncts: pairs of exits reachable together whose outcomes may differ. */
function differences(a: readonly Outcome[], b: readonly Outcome[]): [string, Term][] {
  const out: [string, Term][] = [];
  for (const x of a)
    for (const y of b) {
      const d = and(x.path, y.path, differ(x, y));
      if (d !== FALSE) out.push([`exit at slot ${x.pc} and exit at slot ${y.pc}`, d]);
    }
  return out;
}

export async function provedEquivalent(
  solver: Solver,
  a: readonly ExitRecord[],
  b: readonly ExitRecord[],
  timeoutMs: number,
): Promise<Equivalence> {
  let pairs: [string, Term][];
  try {
    pairs = differences(a.map(outcome), b.map(outcome));
  } catch (e) {
    return { kind: "unknown", reason: e instanceof Error ? e.message : String(e) };
  }
  const query = or(...pairs.map(([, d]) => d));
  if (query === FALSE) return { kind: "equivalent", pairs: 0 };
  const observe = observables([query]);
  const r = await solver.check({ assertions: [query], observe }, timeoutMs);
  if (r.kind === "unsat") return { kind: "equivalent", pairs: pairs.length };
  if (r.kind === "unknown") return { kind: "unknown", reason: `${solver.name}: ${r.reason}` };
  const model = toAssignment(observe, r.values);
  const witness = pairs.find(([, d]) => holds(d, model))?.[0];
  return { kind: "different", model, witness };
}

function holds(t: Term, model: Assignment): boolean {
  try {
    return evalBool(t, model);
  } catch {
    return false;
  }
}
