// Process and kernel rules -> pw_rules entries: capabilities, ptrace modes,
// mount, module load, memfd exec and anonymous executable memory. Each names resource items (a capability,
// a mode, "any"); an item becomes a PW_OBJ_RESOURCE object so that the kernel
// learns with one lookup whether any rule is about it (capable runs on every
// capability check). All entries of an item compete at one resource rank.
import { ITEM_ANY, PwClass, PwExecItem, PwPtraceMode } from "../abi/policy-records.js";
import type { Resource, Rule } from "../policy/model.js";
import type { NamedObjects } from "./named.js";
import type { EntrySink } from "./sink.js";
import { subjectKeys } from "./subject-keys.js";

export interface ResourceItem {
  readonly cls: number;
  readonly item: number;
}

/** The items a resource names; none for file-like resources (files, exec paths). */
export function resourceItems(r: Resource): ResourceItem[] {
  switch (r.kind) {
    case "capabilities":
      return r.caps.map((cap) => ({ cls: PwClass.capabilities, item: cap }));
    case "ptrace":
      return r.modes.map((m) => ({ cls: PwClass.ptrace, item: PwPtraceMode[m] }));
    case "mount":
      return [{ cls: PwClass.mount, item: ITEM_ANY }];
    case "moduleLoad":
      return [{ cls: PwClass.moduleLoad, item: ITEM_ANY }];
    case "exec":
      return [
        ...(r.memfd ? [{ cls: PwClass.exec, item: PwExecItem.memfd }] : []),
        ...(r.anonymousMemory ? [{ cls: PwClass.exec, item: PwExecItem.anonymousMemory }] : []),
      ];
    default:
      return [];
  }
}

export function procRuleEntries(sink: EntrySink, rule: Rule, named: NamedObjects): void {
  const items = resourceItems(rule.resource);
  if (items.length === 0) return;
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
      for (const { cls, item } of items)
        sink.add({ ...sk, cls, res: named.resourceId(cls, item), op: 0 }, score);
    }
  }
}
