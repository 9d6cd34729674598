// Bad input is reported as data: a code a caller can test, the field that was
// wrong and the byte offset where it was read. Readers never throw at callers.

export type IssueCode =
  | "truncated"
  | "bad-magic"
  | "bad-class"
  | "bad-endianness"
  | "bad-version"
  | "bad-machine"
  | "bad-file-type"
  | "bad-entry-size"
  | "bad-index"
  | "bad-string"
  | "bad-kind"
  | "bad-value"
  | "unsupported";

export type Step = "read elf" | "read btf" | "read btf.ext" | "read object";

export interface Issue {
  readonly code: IssueCode;
  readonly step: Step;
  /** The field that was wrong, e.g. "e_machine" or "types[12].name_off". */
  readonly field: string;
  /** Absolute byte offset in the input where the field was read. */
  readonly offset: number;
  /** Lowercase, prefixed with the step: "read elf: e_machine is 62, want 247 (EM_BPF)". */
  readonly message: string;
}

export type Result<T> =
  | { readonly kind: "ok"; readonly value: T }
  | { readonly kind: "error"; readonly issues: readonly Issue[] };

export function ok<T>(value: T): Result<T> {
  return { kind: "ok", value };
}

export function fail<T>(...issues: Issue[]): Result<T> {
  return { kind: "error", issues };
}

export function issue(
  step: Step,
  code: IssueCode,
  field: string,
  offset: number,
  detail: string,
): Issue {
  return { code, step, field, offset, message: `${step}: ${field} at offset ${offset}: ${detail}` };
}

/**
 * Thrown only inside a reader to unwind a deep parse on the first fatal
 * problem; every public entry point catches it with `catchInput` and returns
 * it as a Result, so it never escapes the module.
 */
export class InputFailure extends Error {
  constructor(readonly issue: Issue) {
    super(issue.message);
  }
}

export function failInput(
  step: Step,
  code: IssueCode,
  field: string,
  offset: number,
  detail: string,
): never {
  throw new InputFailure(issue(step, code, field, offset, detail));
}

/** Runs a parse and turns its fatal input failure into an error Result. */
export function catchInput<T>(parse: () => T): Result<T> {
  try {
    return ok(parse());
  } catch (e) {
    if (e instanceof InputFailure) return fail(e.issue);
    throw e;
  }
}

export function assertNever(x: never): never {
  throw new Error(`internal: unexpected value ${JSON.stringify(x)}`);
}
