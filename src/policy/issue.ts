// Input problems are data: a code from a closed set, the field path, where the
// field sits in the source, and the values a message needs. Messages are
// rendered later from a code -> template table (messages.ts), so callers test
// codes and never parse text.

export type IssueCode =
  // parse: YAML and shape
  | "yaml-syntax"
  | "invalid-type"
  | "missing-field"
  | "unknown-field"
  | "invalid-value"
  | "invalid-format"
  | "out-of-range"
  | "empty-list"
  | "empty-subject"
  | "exclusive-fields"
  | "no-resource"
  | "many-resources"
  | "invalid-path"
  | "tree-contradiction"
  | "invalid-cidr"
  | "invalid-port"
  | "icmp-with-ports"
  | "unknown-capability"
  | "duplicate-rule-id"
  // check: normalization and resolution
  | "cidr-host-bits"
  | "unknown-user"
  | "unknown-group"
  | "unknown-service"
  | "service-not-running"
  | "cgroup-not-found"
  | "cgroup-too-deep"
  | "executable-not-found"
  | "file-not-found"
  | "directory-not-tree"
  | "tree-on-file"
  | "conflicting-rules";

export type Severity = "error" | "warning";

/** A field path as zod reports it: ["spec", "rules", 2, "network", "ports", 1]. */
export type Path = readonly (string | number)[];

/** 1-based line and column of the first and last character of a node. */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

export type Params = Readonly<Record<string, string | number>>;

export interface Issue {
  readonly code: IssueCode;
  readonly path: Path;
  readonly span: Span | null;
  readonly params: Params;
}

/** Warnings ride along with a value; any error means there is no value. */
export type Result<T> =
  | { readonly kind: "ok"; readonly value: T; readonly issues: readonly Issue[] }
  | { readonly kind: "error"; readonly issues: readonly Issue[] };

/** "spec.rules[2].network.ports[1]" */
export function formatPath(path: Path): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}

export function assertNever(x: never): never {
  throw new Error(`internal: unexpected value ${JSON.stringify(x)}`);
}
