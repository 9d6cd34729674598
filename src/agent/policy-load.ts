// Policy text(s) -> the checked, merged Policy the agent applies, or every
// problem rendered as `file:line:col: error code: message` lines. Rendering
// here keeps the daemon's status and the control API plain data.
import type { Policy, Resolver, ResourceClass } from "../policy/index.js";
import { checkPolicy, isError, parsePolicy, renderIssue } from "../policy/index.js";
import { policyHash, type PolicyText } from "./policy-files.js";
import { mergePolicies, type CheckedFile } from "./policy-merge.js";

export type LoadResult =
  | {
      readonly kind: "ok";
      readonly policy: Policy;
      readonly hash: string;
      readonly warnings: readonly string[];
    }
  | { readonly kind: "error"; readonly problems: readonly string[] };

interface Lines {
  readonly errors: string[];
  readonly warnings: string[];
}

function checkOne(t: PolicyText, resolver: Resolver, lines: Lines): CheckedFile | null {
  const ast = parsePolicy(t.text, t.file);
  const result = ast.kind === "ok" ? checkPolicy(ast.value, resolver) : ast;
  for (const i of result.issues)
    (isError(i) ? lines.errors : lines.warnings).push(renderIssue(i, t.file));
  if (ast.kind !== "ok" || result.kind !== "ok") return null;
  const stated = Object.keys(ast.value.doc.spec.defaults ?? {}) as ResourceClass[];
  return { file: t.file, policy: result.value, statedDefaults: stated };
}

export function loadPolicy(texts: readonly PolicyText[], resolver: Resolver): LoadResult {
  const lines: Lines = { errors: [], warnings: [] };
  const checked = texts.map((t) => checkOne(t, resolver, lines));
  if (texts.length === 0) return { kind: "error", problems: ["load policy: no policy text"] };
  if (checked.some((c) => c === null)) return { kind: "error", problems: lines.errors };
  const merged = mergePolicies(checked as CheckedFile[]);
  if (merged.kind === "error") return merged;
  return { kind: "ok", policy: merged.policy, hash: policyHash(texts), warnings: lines.warnings };
}
