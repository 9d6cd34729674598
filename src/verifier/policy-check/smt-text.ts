// SMT-LIB text for the policy check. The formulas are flat Boolean
// combinations of equalities between request fields and constants, so they
// are written as text directly (no term DAG kept in memory across applies).

export const bvLit = (v: bigint | number, width: number): string => `(_ bv${v} ${width})`;

/** A condition over the request's subject, with the definitions it refers to. */
export interface Cond {
  readonly text: string;
  readonly deps: readonly string[];
  /** a subject condition's three fields, when it is one (exe AND place AND identity) */
  readonly parts?: SubjectParts;
}

export interface SubjectParts {
  readonly exe: Cond;
  readonly place: Cond;
  readonly ident: Cond;
}

export function subjectCond(parts: SubjectParts): Cond {
  return { ...andCond([parts.exe, parts.place, parts.ident]), parts };
}

export const TRUE_COND: Cond = { text: "true", deps: [] };

export function andCond(parts: readonly Cond[]): Cond {
  const real = parts.filter((p) => p.text !== "true");
  if (real.length === 0) return TRUE_COND;
  if (real.length === 1) return real[0] as Cond;
  return { text: `(and ${real.map((p) => p.text).join(" ")})`, deps: real.flatMap((p) => p.deps) };
}

export const orText = (parts: readonly string[]): string =>
  parts.length === 0
    ? "false"
    : parts.length === 1
      ? (parts[0] as string)
      : `(or ${parts.join(" ")})`;

/** One definition: `(define-fun name () Bool text)`, after the ones it uses. */
export interface Definition {
  readonly text: string;
  readonly deps: readonly string[];
}

/** The definitions `names` need, each once, dependencies first. */
export function definitionLines(
  names: Iterable<string>,
  lookup: (name: string) => Definition,
): string[] {
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (name: string) => {
    if (done.has(name)) return;
    done.add(name);
    const d = lookup(name);
    d.deps.forEach(visit);
    out.push(`(define-fun ${name} () Bool ${d.text})`);
  };
  for (const n of names) visit(n);
  return out;
}
