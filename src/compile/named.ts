// The named objects of a policy: every file target, executable, placement and
// group a rule mentions gets a small id (1, 2, ... in key order, so the same
// policy always yields the same bytes). Rule keys carry these ids.
import type { FileKey } from "../abi/file-key.js";
import {
  PwObjectKind,
  encodeObjectKey,
  resourceObjectValue,
  type ObjectKey,
} from "../abi/policy-records.js";
import { MAX_CGROUP_LEVEL } from "../policy/limits.js";
import type { Placement, Policy, Subject } from "../policy/model.js";
import type { MapEntry } from "./image.js";
import { resourceItems } from "./proc.js";

export interface NamedObjects {
  readonly fileId: (k: FileKey) => number;
  readonly exeId: (k: FileKey) => number;
  readonly cgroupId: (id: bigint) => number;
  /** A non-file resource item (capability, ptrace mode, ...) of class `cls`. */
  readonly resourceId: (cls: number, item: number) => number;
  /** Placements that can match (running, within the kernel's levels), for copying. */
  readonly placements: readonly Placement[];
  readonly entries: readonly MapEntry[];
}

/** Whether a subject can match anything at all (a stopped service cannot). */
export function subjectUsable(s: Subject): boolean {
  return s.placement === null || (s.placement.id !== null && s.placement.level <= MAX_CGROUP_LEVEL);
}

class Registry {
  private readonly keys = new Map<string, ObjectKey>();
  add(k: ObjectKey): void {
    this.keys.set(encodeObjectKey(k).toString("hex"), k);
  }
  /** Assigns ids in key order; returns hex key -> id. */
  freeze(): Map<string, number> {
    const sorted = [...this.keys.keys()].sort();
    return new Map(sorted.map((h, i) => [h, i + 1]));
  }
}

function collect(policy: Policy): { reg: Registry; placements: Map<string, Placement> } {
  const reg = new Registry();
  const placements = new Map<string, Placement>();
  for (const rule of policy.rules) {
    const r = rule.resource;
    if (r.kind === "files" || r.kind === "exec")
      for (const t of r.targets)
        reg.add({ kind: PwObjectKind.file, value: t.key.ino, dev: t.key.dev });
    if (r.kind === "unix")
      for (const k of r.sockets) reg.add({ kind: PwObjectKind.file, value: k.ino, dev: k.dev });
    for (const { cls, item } of resourceItems(r))
      reg.add({ kind: PwObjectKind.resource, value: resourceObjectValue(cls, item), dev: 0 });
    for (const s of rule.subjects.filter(subjectUsable)) {
      if (s.exe) reg.add({ kind: PwObjectKind.exe, value: s.exe.ino, dev: s.exe.dev });
      if (s.identity?.kind === "group")
        reg.add({ kind: PwObjectKind.gid, value: BigInt(s.identity.gid), dev: 0 });
      if (s.placement?.id != null) {
        reg.add({ kind: PwObjectKind.cgroup, value: s.placement.id, dev: 0 });
        placements.set(`${s.placement.id}`, s.placement);
      }
    }
  }
  return { reg, placements };
}

export function nameObjects(policy: Policy): NamedObjects {
  const { reg, placements } = collect(policy);
  const ids = reg.freeze();
  const idOf = (k: ObjectKey): number => {
    const id = ids.get(encodeObjectKey(k).toString("hex"));
    if (id === undefined)
      throw new Error(`compile: object ${k.kind}:${k.dev}:${k.value} was never named`);
    return id;
  };
  const entries = [...ids].map(([hex, id]) => {
    const value = Buffer.alloc(4);
    value.writeUInt32LE(id);
    return { key: Buffer.from(hex, "hex"), value };
  });
  return {
    fileId: (k) => idOf({ kind: PwObjectKind.file, value: k.ino, dev: k.dev }),
    exeId: (k) => idOf({ kind: PwObjectKind.exe, value: k.ino, dev: k.dev }),
    cgroupId: (id) => idOf({ kind: PwObjectKind.cgroup, value: id, dev: 0 }),
    resourceId: (cls, item) =>
      idOf({ kind: PwObjectKind.resource, value: resourceObjectValue(cls, item), dev: 0 }),
    placements: [...placements.values()].sort(
      (a, b) => a.level - b.level || a.path.localeCompare(b.path),
    ),
    entries,
  };
}
