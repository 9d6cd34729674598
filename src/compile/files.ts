// File and exec rules -> pw_rules entries. The kernel walks the accessed file
// and its parent directories, nearest first, and stops at the first position
// where an entry matches; so an entry needs no distance, only whether it may
// match the file itself (exact targets and trees rooted at it) or a directory
// above it (trees only, op | OP_ANCESTOR).
import { FILE_OPERATIONS } from "../policy/schema-resources.js";
import { OP_ANCESTOR, PwClass, PwFileOp } from "../abi/policy-records.js";
import type { FileTarget, Rule } from "../policy/model.js";
import type { NamedObjects } from "./named.js";
import type { EntrySink } from "./sink.js";
import { subjectKeys } from "./subject-keys.js";

/** Exec has no operations; it reuses the read slot of its own class. */
const EXEC_OP = 0;

function targetEntries(
  sink: EntrySink,
  rule: Rule,
  named: NamedObjects,
  cls: number,
  targets: readonly FileTarget[],
  ops: readonly number[],
): void {
  for (const s of rule.subjects) {
    for (const sk of subjectKeys(s, named)) {
      const score = {
        resource: 0,
        exe: sk.exe !== 0,
        placement: sk.placementRank,
        identity: sk.identKind,
        action: rule.action,
        ruleIndex: rule.index,
      };
      for (const t of targets) {
        const res = named.fileId(t.key);
        for (const op of ops) {
          sink.add({ ...sk, cls, res, op }, score);
          if (t.tree) sink.add({ ...sk, cls, res, op: op | OP_ANCESTOR }, score);
        }
      }
    }
  }
}

export function fileRuleEntries(sink: EntrySink, rule: Rule, named: NamedObjects): void {
  const r = rule.resource;
  if (r.kind === "files") {
    const ops = FILE_OPERATIONS.filter((o) => r.operations.includes(o)).map((o) => PwFileOp[o]);
    targetEntries(sink, rule, named, PwClass.files, r.targets, ops);
  } else if (r.kind === "exec") {
    targetEntries(sink, rule, named, PwClass.exec, r.targets, [EXEC_OP]);
  }
}
