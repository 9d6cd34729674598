// Functional specification of enforce_sock's pw_socket_create
// (bpf/enforce_sock.bpf.c): the verdict is the decision the policy maps
// encode for (family, type) and (family, any type), the event follows the
// outcome and the rate limit, and only the counters and the rate map are
// written. The decision is policy-model.ts's, over the same map-lookup terms
// the executor builds. Constants the object's BTF does not carry: EPERM,
// SOCK_TYPE_MASK, PW_OP_ANY_TYPE.
import type { ObjectSpec } from "../object/index.js";
import {
  TRUE,
  FALSE,
  and,
  bin,
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
import {
  clock,
  ctxArg,
  globalBytes,
  helperResult,
  mapField,
  mapPresent,
  ringbufFull,
} from "./inputs.js";
import type { Layout } from "./layout.js";
import { PolicyModel, isZero, keyOf, ugt } from "./policy-model.js";
import type { Clause, ExitView, FunctionalSpec } from "./spec.js";
import type { WitnessMaps } from "./witness-maps.js";

const EPERM = 1n;
const SOCK_TYPE_MASK = 0xfn;
const PW_OP_ANY_TYPE = 0xffn;
const EVENTS = "pw_decisions";
const RATE = "pw_rate";
/** Maps pw_socket_create may write: the per-hook counters and the rate limit. */
export const SOCK_WRITES: readonly string[] = ["pw_counters", "pw_rate"];

const u32 = (n: bigint) => bv(n, 32);
const andBits = (a: Term, b: Term) => bin("bvand", a, b);

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

/** The terms of one socket_create request and its decision. */
export class SocketCreateModel {
  readonly family = ctxArg(0, 4);
  readonly type = ctxArg(1, 4);
  readonly protocol = ctxArg(2, 4);
  readonly kern = ctxArg(3, 4);
  readonly ret = ctxArg(4, 4);
  readonly policy: PolicyModel;
  readonly typeOp: Term;
  readonly typed: Term;
  readonly any: Term;
  readonly score: Term;
  readonly outcome: Term;
  readonly interval: Term;

  constructor(
    readonly layout: Layout,
    readonly obj: ObjectSpec,
  ) {
    this.policy = new PolicyModel(
      layout,
      { objects: keySize(obj, "pw_objects"), rules: keySize(obj, "pw_rules") },
      layout.enumerator("PW_CLASS_SOCKETS"),
    );
    this.typeOp = andBits(this.type, u32(SOCK_TYPE_MASK));
    this.typed = this.policy.bestScore(this.family, this.typeOp);
    this.any = this.policy.bestScore(this.family, u32(PW_OP_ANY_TYPE));
    this.score = ite(ugt(this.typed, this.any), this.typed, this.any);
    this.outcome = this.policy.outcome(this.score);
    this.interval = globalBytes(
      ".rodata",
      variableOffset(obj, ".rodata", "pw_event_interval_ns"),
      8,
    );
  }

  /** The request is one the hook decides: no earlier verdict, not the kernel's own socket. */
  decided(): Term {
    return and(isZero(this.ret), isZero(this.kern));
  }

  is(outcome: string): Term {
    return eq(this.outcome, u32(this.layout.enumerator(outcome)));
  }

  /** pw_rate's key for this task and the deciding rule. */
  rateKey(): Term {
    const f = (n: string) => this.layout.field("pw_rate_key", n);
    const tgid = extract(63, 32, helperResult("get_current_pid_tgid"));
    return keyOf(keySize(this.obj, RATE), [
      [f("tgid"), tgid],
      [f("rule"), this.policy.rule(this.score)],
    ]);
  }

  /** An entry for (task, rule) says an event went out less than the interval ago. */
  rateLimited(): Term {
    const key = this.rateKey();
    const last = mapField(RATE, key, this.layout.field("pw_rate", "last_ns"));
    return and(mapPresent(RATE, key), cmp("bvult", sub(clock(0), last), this.interval));
  }

  /** Events dropped since the last one, as the record reports them. */
  suppressed(): Term {
    const key = this.rateKey();
    const n = mapField(RATE, key, this.layout.field("pw_rate", "suppressed"));
    return ite(mapPresent(RATE, key), n, u32(0n));
  }
}

function clauses(m: SocketCreateModel): Clause[] {
  const L = m.layout;
  const eperm = u32(BigInt.asUintN(32, -EPERM));
  const field = (name: string) => L.field("pw_decision", name);
  const pidTgid = helperResult("get_current_pid_tgid");
  const report = and(m.decided(), not(m.is("PW_OUT_ALLOW")));
  const recordIs = (x: ExitView, name: string, v: Term) => eq(x.record(EVENTS, field(name)), v);
  return [
    {
      name: "prior-verdict-or-kernel-passes",
      holds: (x) => implies(not(m.decided()), eq(x.ret, m.ret)),
    },
    {
      name: "verdict-is-0-or-eperm",
      holds: (x) => implies(m.decided(), or(eq(x.ret, u32(0n)), eq(x.ret, eperm))),
    },
    {
      name: "eperm-only-in-enforce-mode",
      holds: (x) =>
        implies(and(m.decided(), eq(x.ret, eperm)), isZero(m.policy.config("audit_mode"))),
    },
    {
      name: "eperm-iff-deny",
      holds: (x) => implies(m.decided(), eq(x.ret, ite(m.is("PW_OUT_DENY"), eperm, u32(0n)))),
    },
    {
      name: "event-iff-reported",
      holds: (x) =>
        eq(x.emitted(EVENTS), and(report, not(m.rateLimited()), not(ringbufFull(EVENTS, 0)))),
    },
    {
      name: "event-fields",
      holds: (x) =>
        implies(
          x.emitted(EVENTS),
          and(
            recordIs(x, "hook", u32(L.enumerator("PW_EH_SOCKET_CREATE"))),
            recordIs(x, "outcome", m.outcome),
            recordIs(x, "rule", m.policy.rule(m.score)),
            recordIs(x, "op", andBits(m.type, u32(SOCK_TYPE_MASK))),
            recordIs(x, "family", extract(7, 0, m.family)),
            recordIs(x, "protocol", extract(7, 0, m.protocol)),
            recordIs(x, "gen", m.policy.gen()),
            recordIs(x, "pid", extract(31, 0, pidTgid)),
            recordIs(x, "tgid", extract(63, 32, pidTgid)),
            recordIs(x, "uid", m.policy.uid()),
            recordIs(x, "suppressed", m.suppressed()),
          ),
        ),
    },
    {
      name: "writes-only-counters-and-rate",
      holds: (x) => (x.writes.every((w) => SOCK_WRITES.includes(w)) ? TRUE : FALSE),
    },
  ];
}

/**
 * pw_config contents to look for counterexamples under: no rules with the
 * defaults deciding, in enforce and in audit mode, and rules for the
 * anyone-identity only (one candidate key in use), where the lookup in
 * pw_rules stays free. Each folds the 144-candidate best scores to a few
 * terms (witness-maps.ts).
 */
function witnessConfigs(layout: Layout, obj: ObjectSpec): WitnessMaps[] {
  const size = obj.maps.find((m) => m.name === "pw_config")?.valueSize;
  if (size === undefined) throw new Error(`spec: ${obj.fileName} has no map pw_config`);
  const config = (fields: Record<string, bigint>): Uint8Array => {
    const bytes = new Uint8Array(size);
    for (const [name, value] of Object.entries(fields)) {
      const f = layout.field("pw_config", name);
      for (let i = 0; i < f.size; i++)
        bytes[f.offset + i] = Number((value >> BigInt(8 * i)) & 0xffn);
    }
    return bytes;
  };
  const witness = (name: string, fields: Record<string, bigint>): WitnessMaps => ({
    name,
    maps: new Map([["pw_config", config(fields)]]),
  });
  const everyClass = 0xffffffffn;
  const anyone = 1n << layout.enumerator("PW_IDENT_NONE");
  return [
    witness("no-rules-deny-defaults", { deny_defaults: everyClass }),
    witness("no-rules-audit-mode", { deny_defaults: everyClass, audit_mode: 1n }),
    witness("anyone-rules", { shapes: anyone }),
    witness("anyone-rules-audit-mode", { shapes: anyone, audit_mode: 1n }),
  ];
}

export function enforceSockSpecs(layout: Layout, obj: ObjectSpec): FunctionalSpec[] {
  const m = new SocketCreateModel(layout, obj);
  // The candidate loops (bpf_loop, 144 calls), the 16 cgroup levels and the
  // 32 groups are unrolled; paths merge at joins, so the decision is one
  // path per outcome rather than one per combination of lookups.
  // Each candidate loop ends with r->best at the model's best score for its
  // key: proved there, then used, so the clauses compare small terms.
  // The clauses hold whatever the two best scores are, as long as the
  // program and the clause agree on them (the lemmas make them the same
  // terms), so their proofs generalize them; the end-of-loop lemmas hold
  // whatever each key's lookup says, so theirs generalize the lookups.
  const best = layout.field("pw_req", "best");
  const anyOp = u32(PW_OP_ANY_TYPE);
  return [
    {
      program: "pw_socket_create",
      clauses: clauses(m),
      explore: { merge: true, unroll: 150 },
      witnesses: witnessConfigs(layout, obj),
      opaque: [m.policy.bestOfAll(m.family, m.typeOp), m.policy.bestOfAll(m.family, anyOp)],
      lemmas: [
        // Before the first candidate loop, the filled slots are the model's
        // (proved once, then the loops' exits compare candidates with it).
        {
          name: "identity-slots",
          site: 0,
          field: layout.field("pw_req", "nidents"),
          value: m.policy.identitySlots(),
          before: (k) => (k === 0 ? m.policy.identitySlots() : undefined),
        },
        {
          name: "typed-best",
          site: 0,
          field: best,
          value: m.typed,
          before: (k) => m.policy.bestOfFirst(m.family, m.typeOp, k),
          opaque: [...m.policy.subjectLookups(), ...m.policy.ruleLookups(m.family, m.typeOp)],
        },
        {
          name: "any-type-best",
          site: 1,
          field: best,
          value: m.any,
          before: (k) => m.policy.bestOfFirst(m.family, anyOp, k),
          opaque: [...m.policy.subjectLookups(), ...m.policy.ruleLookups(m.family, anyOp)],
        },
      ],
    },
  ];
}
