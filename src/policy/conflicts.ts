// Contradictory rules: the same resolved subject and the same resource entry
// (path, CIDR with port entry and protocol, family, capability, ...) with
// different actions. decide() resolves them (deny > audit > allow at equal
// specificity); the warning makes sure that was meant. Hash-based, so linear
// in the size of the policy.
import type { Issue } from "./issue.js";
import type { Resource, Rule, Subject } from "./model.js";
import { formatCidr } from "./cidr.js";
import { strongerAction } from "./rank.js";
import type { SourceMap } from "./source-map.js";

function subjectKey(s: Subject): string {
  const id = s.identity
    ? `${s.identity.kind}:${"uid" in s.identity ? s.identity.uid : s.identity.gid}`
    : "*";
  const place = s.placement ? `${s.placement.path}` : "*";
  const exe = s.exe ? `${s.exe.dev}:${s.exe.ino}` : "*";
  return `${id}|${place}|${exe}`;
}

const cross = (a: readonly string[], b: readonly string[]) =>
  a.flatMap((x) => b.map((y) => `${x}/${y}`));

/** Resource entries two rules must share to contradict each other. */
export function resourceAtoms(r: Resource): string[] {
  switch (r.kind) {
    case "files":
      return cross(
        r.targets.map((t) => `${t.tree ? "tree" : "file"}:${t.key.dev}:${t.key.ino}`),
        r.operations,
      );
    case "network": {
      const ports = r.ports?.map((p) => `${p.lo}-${p.hi}`) ?? ["*"];
      return cross(cross(r.cidrs.map(formatCidr), ports), r.protocols ?? ["*"]);
    }
    case "sockets":
      return cross(r.families.map(String), r.types?.map(String) ?? ["*"]);
    case "unix":
      return r.sockets.map((k) => `${k.dev}:${k.ino}`);
    case "capabilities":
      return r.caps.map(String);
    case "exec":
      return [
        ...r.targets.map((t) => `${t.tree ? "tree" : "file"}:${t.key.dev}:${t.key.ino}`),
        ...(r.memfd ? ["memfd"] : []),
        ...(r.anonymousMemory ? ["anonymous-memory"] : []),
      ];
    case "ptrace":
      return [...r.modes];
    case "mount":
    case "moduleLoad":
      return ["*"];
  }
}

export function findConflicts(rules: readonly Rule[], source: SourceMap): Issue[] {
  const seen = new Map<string, Rule>();
  const reported = new Set<string>();
  const issues: Issue[] = [];
  for (const rule of rules) {
    const atoms = resourceAtoms(rule.resource);
    for (const s of rule.subjects) {
      const prefix = `${rule.resource.kind}#${subjectKey(s)}#`;
      for (const atom of atoms) {
        const key = prefix + atom;
        const other = seen.get(key);
        if (other === undefined) {
          seen.set(key, rule);
          continue;
        }
        const pair = `${other.index}:${rule.index}`;
        if (other.action === rule.action || reported.has(pair)) continue;
        reported.add(pair);
        const path = ["spec", "rules", rule.index];
        issues.push({
          code: "conflicting-rules",
          path,
          span: source.spanOf(path),
          params: {
            rule: rule.id,
            action: rule.action,
            other: other.id,
            otherAction: other.action,
            otherLine: source.spanOf(["spec", "rules", other.index]).line,
            winner: strongerAction(rule.action, other.action),
          },
        });
      }
    }
  }
  return issues;
}
