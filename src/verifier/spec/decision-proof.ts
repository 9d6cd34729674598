// How a hook's decision spec (hook-decision.ts) is proved and refuted: the
// exploration (paths merged, the candidate loops unrolled), the lemmas about
// the identity slots and each candidate loop, and the map contents under
// which counterexamples are searched first.
import type { ObjectSpec } from "../object/index.js";
import type { Term } from "../vc/index.js";
import type { DecisionModel } from "./hook-decision.js";
import type { Layout } from "./layout.js";
import type { LoopLemma } from "./spec.js";
import type { WitnessMaps } from "./witness-maps.js";

/** A pw_config value with the given fields set, the rest zero. */
function configBytes(layout: Layout, obj: ObjectSpec, fields: Record<string, bigint>): Uint8Array {
  const size = obj.maps.find((m) => m.name === "pw_config")?.valueSize;
  if (size === undefined) throw new Error(`spec: ${obj.fileName} has no map pw_config`);
  const bytes = new Uint8Array(size);
  for (const [name, value] of Object.entries(fields)) {
    const f = layout.field("pw_config", name);
    for (let i = 0; i < f.size; i++) bytes[f.offset + i] = Number((value >> BigInt(8 * i)) & 0xffn);
  }
  return bytes;
}

/**
 * pw_config contents to look for counterexamples under: no rules with the
 * defaults deciding, in enforce and in audit mode, and rules for the
 * anyone-identity only (one candidate key in use), where the lookup in
 * pw_rules stays free. Each folds the 144-candidate best scores to a few
 * terms (witness-maps.ts).
 */
export function witnessConfigs(layout: Layout, obj: ObjectSpec): WitnessMaps[] {
  const witness = (name: string, fields: Record<string, bigint>): WitnessMaps => ({
    name,
    maps: new Map([["pw_config", configBytes(layout, obj, fields)]]),
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

/**
 * Before the first candidate loop, the filled identity slots are the
 * model's (proved once, then the loops' exits compare candidates with it).
 */
export function identitySlots(m: DecisionModel): LoopLemma {
  return {
    name: "identity-slots",
    site: 0,
    field: m.layout.field("pw_req", "nidents"),
    value: m.policy.identitySlots(),
    before: (k) => (k === 0 ? m.policy.identitySlots() : undefined),
  };
}

/**
 * The candidate loop at `site` ends with r->best at the model's best score
 * for (res, op), with the best of the first k candidates before iteration
 * k; its end holds whatever each key's lookup says, so its proof
 * generalizes the lookups.
 */
export function bestLemma(
  m: DecisionModel,
  name: string,
  site: number,
  res: Term,
  op: Term,
): LoopLemma {
  return {
    name,
    site,
    field: m.layout.field("pw_req", "best"),
    value: m.policy.bestScore(res, op),
    before: (k) => m.policy.bestOfFirst(res, op, k),
    opaque: [...m.policy.subjectLookups(), ...m.policy.ruleLookups(res, op)],
  };
}

// The candidate loops (bpf_loop, 144 calls), the 16 cgroup levels and the
// 32 groups are unrolled; paths merge at joins, so the decision is one path
// per outcome rather than one per combination of lookups. The clauses hold
// whatever the best scores are, as long as the program and the clause agree
// on them (the lemmas make them the same terms), so their proofs generalize
// them.
export const EXPLORE = { merge: true, unroll: 150 };
