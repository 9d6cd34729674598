// checkPolicy: PolicyAst -> Policy. Resolves every name through the injected
// Resolver, normalizes (CIDR host bits, unit suffixes, default postures),
// and warns about contradictory rules. Every problem is collected.
import { isError } from "./messages.js";
import type { Issue, Result } from "./issue.js";
import { EVERYONE, type Policy, type Posture, type Rule, type Subject } from "./model.js";
import { byPosition, type PolicyAst } from "./parse.js";
import { memoResolver, type Resolver } from "./resolver.js";
import { RESOURCE_KEYS, type ResourceClass } from "./schema-resources.js";
import type { RuleDoc } from "./schema.js";
import type { CheckContext } from "./check-context.js";
import { checkSubject } from "./check-subject.js";
import { checkResource } from "./check-resource.js";
import { findConflicts } from "./conflicts.js";
import { SEAL_RELAXATIONS, type SealRelaxation } from "./schema-self-protection.js";

function checkRule(ctx: CheckContext, doc: RuleDoc, index: number): Rule | null {
  const path = ["spec", "rules", index];
  const subjects = (doc.subjects ?? null)?.map((s, j) =>
    checkSubject(ctx, s, [...path, "subjects", j]),
  ) ?? [EVERYONE];
  const resource = checkResource(ctx, doc, path);
  if (resource === null || subjects.some((s) => s === null)) return null;
  return { id: doc.id, index, action: doc.action, subjects: subjects as Subject[], resource };
}

function defaultsOf(ast: PolicyAst): Record<ResourceClass, Posture> {
  const given = ast.doc.spec.defaults ?? {};
  const out = {} as Record<ResourceClass, Posture>;
  for (const k of RESOURCE_KEYS) out[k] = given[k] ?? "allow";
  return out;
}

function sealAllowOf(ast: PolicyAst): { sealAllow?: SealRelaxation[] } {
  const allow = ast.doc.spec.selfProtection?.allow;
  return allow === undefined
    ? {}
    : { sealAllow: SEAL_RELAXATIONS.filter((w) => allow.includes(w)) };
}

export function checkPolicy(ast: PolicyAst, resolver: Resolver): Result<Policy> {
  const issues: Issue[] = [];
  const ctx: CheckContext = { resolver: memoResolver(resolver), source: ast.source, issues };
  const rules = ast.doc.spec.rules.map((r, i) => checkRule(ctx, r, i));
  const complete = rules.filter((r): r is Rule => r !== null);
  if (complete.length === rules.length) issues.push(...findConflicts(complete, ast.source));
  const sorted = byPosition(issues);
  if (sorted.some(isError)) return { kind: "error", issues: sorted };
  const policy: Policy = {
    name: ast.doc.metadata.name,
    mode: ast.doc.spec.mode,
    defaults: defaultsOf(ast),
    rules: complete,
    ...sealAllowOf(ast),
  };
  return { kind: "ok", value: policy, issues: sorted };
}
