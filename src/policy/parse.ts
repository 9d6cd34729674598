// parsePolicy: YAML text -> PolicyAst. Reads the YAML (syntax problems become
// issues with the reader's position), validates the shape with the zod schema
// collecting every problem, and keeps the yaml Document as the source map so
// later steps can point at any field.
import { LineCounter, parseDocument } from "yaml";
import type { Issue, Result } from "./issue.js";
import { policySchema, type PolicyDoc } from "./schema.js";
import { rangeSpan, yamlSourceMap, type SourceMap } from "./source-map.js";
import { fromZodIssues } from "./zod-issues.js";

export interface PolicyAst {
  readonly doc: PolicyDoc;
  readonly source: SourceMap;
}

export function parsePolicy(text: string, file: string): Result<PolicyAst> {
  const lines = new LineCounter();
  const yaml = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax: Issue[] = [...yaml.errors, ...yaml.warnings].map((e) => ({
    code: "yaml-syntax",
    path: [],
    span: rangeSpan(file, lines, e.pos),
    params: { message: e.message.split("\n")[0] ?? e.code, yamlCode: e.code },
  }));
  // The reader's warnings (unknown tags and the like) are errors too: a policy is
  // read exactly or not at all.
  if (syntax.length > 0) return { kind: "error", issues: syntax };
  const source = yamlSourceMap(file, yaml, lines);
  const parsed = policySchema.safeParse(yaml.toJS({ maxAliasCount: 100 }), {
    reportInput: true,
  });
  if (!parsed.success)
    return {
      kind: "error",
      issues: byPosition(fromZodIssues(policySchema, source, parsed.error.issues)),
    };
  return { kind: "ok", value: { doc: parsed.data, source }, issues: [] };
}

/** Issues in reading order, as an editor lists them. */
export function byPosition(issues: readonly Issue[]): Issue[] {
  const key = (i: Issue) => (i.span ? i.span.line * 1e6 + i.span.col : 0);
  return [...issues].sort((a, b) => key(a) - key(b));
}
