// zod's issues, turned into Proofwall issues with a span. Custom checks carry
// their own code in `params.pw`; built-in zod codes map onto ours here.
import type { z } from "zod";
import type { Issue, IssueCode, Params, Path } from "./issue.js";
import type { SourceMap } from "./source-map.js";

type ZodIssue = z.core.$ZodIssue;

/** A short, human description of a value that failed. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  switch (typeof v) {
    case "object":
      return "a mapping";
    case "string":
      return JSON.stringify(v);
    case "undefined":
      return "nothing";
    default:
      return `${typeof v} ${String(v)}`;
  }
}

type Def = {
  type: string;
  shape?: Record<string, z.core.$ZodType>;
  element?: z.core.$ZodType;
  innerType?: z.core.$ZodType;
  options?: z.core.$ZodType[];
};
const defOf = (s: z.core.$ZodType): Def => s._zod.def as Def;

/** The field names the schema accepts at `path` (for "unknown field" messages). */
export function keysAt(schema: z.core.$ZodType, path: Path): string[] {
  let s: z.core.$ZodType | undefined = schema;
  const unwrap = () => {
    while (s && defOf(s).type === "optional") s = defOf(s).innerType;
    if (s && defOf(s).type === "union")
      s = defOf(s).options?.find((o) => defOf(o).type === "object") ?? s;
  };
  for (const part of path) {
    unwrap();
    if (!s) return [];
    const d = defOf(s);
    s = typeof part === "number" ? d.element : d.shape?.[part];
  }
  unwrap();
  return s ? Object.keys(defOf(s).shape ?? {}) : [];
}

interface Context {
  readonly schema: z.core.$ZodType;
  readonly source: SourceMap;
}

function make(ctx: Context, code: IssueCode, path: Path, params: Params, atKey = false): Issue {
  const span = atKey ? ctx.source.keySpanOf(path) : ctx.source.spanOf(path);
  return { code, path, span, params };
}

function fromCustom(ctx: Context, i: z.core.$ZodIssueCustom, path: Path): Issue {
  const { pw, ...rest } = (i.params ?? {}) as Record<string, string>;
  const code = (pw ?? "invalid-value") as IssueCode;
  const params: Record<string, string | number> = { ...rest };
  if (code === "duplicate-rule-id" && rest.firstIndex !== undefined)
    params.firstLine = ctx.source.spanOf(["spec", "rules", Number(rest.firstIndex), "id"]).line;
  if (code === "missing-field") return make(ctx, code, [...path, rest.name ?? "?"], params);
  if (pw === undefined) params.expected = i.message;
  return make(ctx, code, path, params);
}

/** Of a union's failed branches, the one that got furthest: not a bare type mismatch. */
function fromUnion(ctx: Context, i: z.core.$ZodIssueInvalidUnion, path: Path): Issue[] {
  const bare = (errs: ZodIssue[]) =>
    errs.length === 1 && errs[0]?.code === "invalid_type" && errs[0].path.length === 0;
  const deeper = i.errors.find((errs) => !bare(errs));
  if (deeper) return deeper.flatMap((e) => convert(ctx, e, path));
  const expected = i.errors.map((errs) => (errs[0] as { expected?: string }).expected).join(" or ");
  return [make(ctx, "invalid-type", path, { expected, received: describe(i.input) })];
}

function convert(ctx: Context, i: ZodIssue, prefix: Path): Issue[] {
  const path: Path = [...prefix, ...(i.path as (string | number)[])];
  const received = describe(i.input);
  switch (i.code) {
    case "invalid_type":
      return i.input === undefined && path.length > 0
        ? [make(ctx, "missing-field", path, {}, true)]
        : [make(ctx, "invalid-type", path, { expected: i.expected, received })];
    case "unrecognized_keys": {
      const expected = keysAt(ctx.schema, path).join(", ");
      return i.keys.map((k) => make(ctx, "unknown-field", [...path, k], { expected }, true));
    }
    case "invalid_value": {
      const expected = i.values.map((v) => JSON.stringify(v)).join(" | ");
      return [make(ctx, "invalid-value", path, { expected, received })];
    }
    case "too_small":
      if (i.origin === "array") return [make(ctx, "empty-list", path, {})];
      if (i.origin === "string")
        return [make(ctx, "invalid-value", path, { expected: "a non-empty string", received })];
      return [make(ctx, "out-of-range", path, { received, range: `>= ${i.minimum}` })];
    case "too_big":
      return [make(ctx, "out-of-range", path, { received, range: `<= ${i.maximum}` })];
    case "invalid_format": {
      const expected = i.pattern ? `a match for ${i.pattern}` : i.format;
      return [make(ctx, "invalid-format", path, { expected, received })];
    }
    case "invalid_union":
      return fromUnion(ctx, i, path);
    case "custom":
      return [fromCustom(ctx, i, path)];
    case "not_multiple_of":
    case "invalid_key":
    case "invalid_element":
      return [make(ctx, "invalid-value", path, { expected: i.message, received })];
  }
}

export function fromZodIssues(
  schema: z.core.$ZodType,
  source: SourceMap,
  issues: readonly ZodIssue[],
): Issue[] {
  const ctx = { schema, source };
  return issues.flatMap((i) => convert(ctx, i, []));
}
