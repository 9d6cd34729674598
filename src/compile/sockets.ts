// Sockets and unix rules -> pw_rules entries. A socket rule is keyed by
// family (res) and type (op), or OP_ANY_TYPE when it names no types; the kernel
// looks up both and a typed entry outranks an untyped one (resource rank 1).
// A unix rule is keyed by the socket file's object id, like an exact file.
import { OP_ANY_TYPE, PwClass } from "../abi/policy-records.js";
import type { ScoreParts } from "../abi/score.js";
import type { Rule } from "../policy/model.js";
import type { NamedObjects } from "./named.js";
import type { EntrySink } from "./sink.js";
import { subjectKeys, type SubjectKey } from "./subject-keys.js";

export function scoreParts(sk: SubjectKey, rule: Rule, resource: number): ScoreParts {
  return {
    resource,
    exe: sk.exe !== 0,
    placement: sk.placementRank,
    identity: sk.identKind,
    action: rule.action,
    ruleIndex: rule.index,
  };
}

export function socketRuleEntries(sink: EntrySink, rule: Rule, named: NamedObjects): void {
  const r = rule.resource;
  if (r.kind !== "sockets" && r.kind !== "unix") return;
  for (const s of rule.subjects)
    for (const sk of subjectKeys(s, named)) {
      if (r.kind === "unix") {
        const score = scoreParts(sk, rule, 0);
        for (const k of r.sockets)
          sink.add({ ...sk, cls: PwClass.unix, res: named.fileId(k), op: 0 }, score);
        continue;
      }
      const score = scoreParts(sk, rule, r.types === null ? 0 : 1);
      for (const family of r.families)
        for (const op of r.types ?? [OP_ANY_TYPE])
          sink.add({ ...sk, cls: PwClass.sockets, res: family, op }, score);
    }
}
