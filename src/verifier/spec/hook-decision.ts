// What every enforce_* hook promises about its verdict, whatever the request:
// a request the hook does not decide passes through; a decided one returns
// 0 or -EPERM, -EPERM exactly when the maps' decision is deny and only in
// enforce mode; an event goes out exactly when the outcome is reported and
// the rate limit and the ring buffer let it, with the request's fields; and
// only the counters and the rate map are written. A hook's spec supplies the
// request (DecidedRequest): when it is decided, its best score, its fields.
import type { ObjectSpec } from "../object/index.js";
import {
  TRUE,
  FALSE,
  and,
  bv,
  eq,
  extract,
  implies,
  ite,
  not,
  or,
  sub,
  cmp,
  type Term,
} from "../vc/index.js";
import { clock, globalBytes, helperResult, mapField, mapPresent, ringbufFull } from "./inputs.js";
import type { Layout } from "./layout.js";
import { PolicyModel, isZero, keyOf } from "./policy-model.js";
import type { Clause, ExitView } from "./spec.js";

const EPERM = 1n;
const EVENTS = "pw_decisions";
const RATE = "pw_rate";
/** Maps a deciding hook may write: the per-hook counters and the rate limit. */
export const DECISION_WRITES: readonly string[] = ["pw_counters", "pw_rate"];

const u32 = (n: bigint) => bv(n, 32);

function keySize(obj: ObjectSpec, map: string): number {
  const m = obj.maps.find((x) => x.name === map);
  if (!m) throw new Error(`spec: ${obj.fileName} has no map ${map}`);
  return m.keySize;
}

function variableOffset(obj: ObjectSpec, section: string, name: string): number {
  const v = obj.dataSections
    .find((d) => d.name === section)
    ?.variables.find((x) => x.name === name);
  if (!v) throw new Error(`spec: ${obj.fileName} has no variable ${name} in ${section}`);
  return v.offset;
}

/** One request as a hook's spec sees it. */
export interface DecidedRequest {
  /** enum pw_event_hook's name for the hook (PW_EH_...) */
  readonly hook: string;
  /** the hook decides the request (otherwise it returns `passed`, with no event) */
  readonly decided: Term;
  readonly passed: Term;
  /** what the clause about undecided requests is called */
  readonly passName: string;
  /** the best pw_rules score for the request; 0: the class default decides */
  readonly score: Term;
  /** pw_decision fields the request sets, beyond those every event has */
  readonly fields: readonly (readonly [string, Term])[];
}

/** The policy's decision of a score, its outcome and how it is reported, for one class. */
export class DecisionModel {
  readonly policy: PolicyModel;
  readonly interval: Term;

  constructor(
    readonly layout: Layout,
    readonly obj: ObjectSpec,
    cls: string,
    defaultDecides = true,
  ) {
    this.policy = new PolicyModel(
      layout,
      { objects: keySize(obj, "pw_objects"), rules: keySize(obj, "pw_rules") },
      layout.enumerator(cls),
      defaultDecides,
    );
    this.interval = globalBytes(
      ".rodata",
      variableOffset(obj, ".rodata", "pw_event_interval_ns"),
      8,
    );
  }

  scoreIs(score: Term, outcome: string): Term {
    return eq(this.policy.outcome(score), u32(this.layout.enumerator(outcome)));
  }

  /** pw_rate's key for this task and the deciding rule. */
  rateKey(score: Term): Term {
    const f = (n: string) => this.layout.field("pw_rate_key", n);
    const tgid = extract(63, 32, helperResult("get_current_pid_tgid"));
    return keyOf(keySize(this.obj, RATE), [
      [f("tgid"), tgid],
      [f("rule"), this.policy.rule(score)],
    ]);
  }

  /** An entry for (task, rule) says an event went out less than the interval ago. */
  rateLimited(score: Term): Term {
    const key = this.rateKey(score);
    const last = mapField(RATE, key, this.layout.field("pw_rate", "last_ns"));
    return and(mapPresent(RATE, key), cmp("bvult", sub(clock(0), last), this.interval));
  }

  /**
   * The best score for a resource named by its pw_objects id `res`: none
   * when it is not named (0), else the best among the candidate keys.
   */
  namedScore(res: Term, op: Term): Term {
    return ite(isZero(res), bv(0n, 64), this.policy.bestScore(res, op));
  }

  /** Events dropped since the last one, as the record reports them. */
  suppressed(score: Term): Term {
    const key = this.rateKey(score);
    const n = mapField(RATE, key, this.layout.field("pw_rate", "suppressed"));
    return ite(mapPresent(RATE, key), n, u32(0n));
  }
}

/** The clauses every deciding hook satisfies, for its request q. */
export function decisionClauses(m: DecisionModel, q: DecidedRequest): Clause[] {
  const L = m.layout;
  const eperm = u32(BigInt.asUintN(32, -EPERM));
  const field = (name: string) => L.field("pw_decision", name);
  const pidTgid = helperResult("get_current_pid_tgid");
  const outcome = m.policy.outcome(q.score);
  const report = and(q.decided, not(m.scoreIs(q.score, "PW_OUT_ALLOW")));
  const recordIs = (x: ExitView, name: string, v: Term) => eq(x.record(EVENTS, field(name)), v);
  const common: (readonly [string, Term])[] = [
    ["hook", u32(L.enumerator(q.hook))],
    ["outcome", outcome],
    ["rule", m.policy.rule(q.score)],
    ["gen", m.policy.gen()],
    ["pid", extract(31, 0, pidTgid)],
    ["tgid", extract(63, 32, pidTgid)],
    ["uid", m.policy.uid()],
    ["suppressed", m.suppressed(q.score)],
  ];
  return [
    { name: q.passName, holds: (x) => implies(not(q.decided), eq(x.ret, q.passed)) },
    {
      name: "verdict-is-0-or-eperm",
      holds: (x) => implies(q.decided, or(eq(x.ret, u32(0n)), eq(x.ret, eperm))),
    },
    {
      name: "eperm-only-in-enforce-mode",
      holds: (x) =>
        implies(and(q.decided, eq(x.ret, eperm)), isZero(m.policy.config("audit_mode"))),
    },
    {
      name: "eperm-iff-deny",
      holds: (x) =>
        implies(q.decided, eq(x.ret, ite(m.scoreIs(q.score, "PW_OUT_DENY"), eperm, u32(0n)))),
    },
    {
      name: "event-iff-reported",
      holds: (x) =>
        eq(
          x.emitted(EVENTS),
          and(report, not(m.rateLimited(q.score)), not(ringbufFull(EVENTS, 0))),
        ),
    },
    {
      name: "event-fields",
      holds: (x) =>
        implies(
          x.emitted(EVENTS),
          and(...[...common, ...q.fields].map(([name, v]) => recordIs(x, name, v))),
        ),
    },
    {
      name: "writes-only-counters-and-rate",
      holds: (x) => (x.writes.every((w) => DECISION_WRITES.includes(w)) ? TRUE : FALSE),
    },
  ];
}
