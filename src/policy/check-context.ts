// What every check step shares: the resolver and a way to report an issue at
// a field of the source file.
import type { Issue, IssueCode, Params, Path } from "./issue.js";
import type { SourceMap } from "./source-map.js";
import type { Resolver } from "./resolver.js";

export interface CheckContext {
  readonly resolver: Resolver;
  readonly source: SourceMap;
  readonly issues: Issue[];
}

export function report(ctx: CheckContext, code: IssueCode, path: Path, params: Params): void {
  ctx.issues.push({ code, path, span: ctx.source.spanOf(path), params });
}
