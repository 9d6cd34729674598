// Functional obligations: for each clause and each exit slot, the
// conjunction over the paths leaving there of "path condition => clause".
// They are ordinary Obligations (kind "functional"), so the direct SMT route,
// the Why3 route and the counterexample machinery take them as they are.
import {
  FALSE,
  ObligationSet,
  bvVar,
  concat,
  extract,
  or,
  select,
  bv,
  type ExitRecord,
  type Obligation,
  type Term,
  type TraceEvent,
} from "../vc/index.js";
import type { Field } from "./layout.js";
import type { ExitView, FunctionalSpec } from "./spec.js";

export function functionalObligations(
  spec: FunctionalSpec,
  exits: readonly ExitRecord[],
): Obligation[] {
  const set = new ObligationSet();
  for (const exit of exits) {
    const view = exitView(exit);
    for (const clause of spec.clauses)
      set.add(exit.path, {
        kind: "functional",
        pc: exit.pc,
        safe: clause.holds(view),
        message: `${spec.program}: ${clause.name}`,
        tag: clause.name,
        ...(spec.opaque ? { opaque: spec.opaque } : {}),
      });
  }
  return set.list();
}

const reservedIn = (
  trace: readonly TraceEvent[],
  ringbuf: string,
  region: number,
): Term | undefined => {
  const r = trace.find(
    (e) => e.kind === "ringbuf-reserve" && e.region === region && e.map === ringbuf,
  );
  return r?.kind === "ringbuf-reserve" ? r.ok : undefined;
};

function exitView(exit: ExitRecord): ExitView {
  const submits = (ringbuf: string) =>
    exit.trace.flatMap((e) => {
      if (e.kind !== "ringbuf-submit") return [];
      const ok = reservedIn(exit.trace, ringbuf, e.region);
      return ok === undefined ? [] : [{ ok, bytes: e.bytes }];
    });
  return {
    ret: extract(31, 0, exit.r0),
    emitted: (ringbuf) => or(FALSE, ...submits(ringbuf).map((s) => s.ok)),
    record: (ringbuf, field) => {
      const last = submits(ringbuf).at(-1);
      return last ? readField(last.bytes, field) : bvVar(`no-record:${ringbuf}`, field.size * 8);
    },
    writes: exit.trace.flatMap((e) => (e.kind === "map-write" ? [e.map] : [])),
  };
}

function readField(bytes: Term, field: Field): Term {
  let v = select(bytes, bv(BigInt(field.offset), 64));
  for (let i = 1; i < field.size; i++)
    v = concat(select(bytes, bv(BigInt(field.offset + i), 64)), v);
  return v;
}
