// Which terms a counterexample must report, and how their values become an
// Assignment the term evaluator (and a concrete replay) can use: every input
// variable of bitvector or boolean sort, every cell of an input array that
// the formula reads, and every uninterpreted application.
import { evalBv, subterms, type Assignment, type ArrayValue, type Term } from "../vc/index.js";

export function observables(roots: readonly Term[]): Term[] {
  return subterms(roots).filter(
    (t) =>
      (t.kind === "var" && t.sort.kind !== "array") ||
      (t.kind === "select" && t.array.kind === "var") ||
      t.kind === "apply",
  );
}

/** Builds the assignment; array indices and arguments are evaluated under it, so it iterates to a fixpoint. */
export function toAssignment(
  observed: readonly Term[],
  values: readonly (bigint | boolean)[],
): Assignment {
  const scalars = new Map<string, bigint | boolean>();
  observed.forEach((t, i) => {
    const v = values[i];
    if (t.kind === "var" && v !== undefined) scalars.set(t.name, v);
  });
  let env: Assignment = { values: scalars, arrays: new Map(), applications: new Map() };
  // Each round resolves one more level of nesting (kmem of kmem of ...); chains of
  // kernel loads through pointers read from kernel memory go six deep and more.
  for (let round = 0; round < 16; round++) env = cells(observed, values, env);
  return env;
}

function cells(
  observed: readonly Term[],
  values: readonly (bigint | boolean)[],
  env: Assignment,
): Assignment {
  const arrays = new Map<string, Map<bigint, bigint>>();
  const applications = new Map<string, bigint>();
  observed.forEach((t, i) => {
    const v = values[i];
    if (typeof v !== "bigint") return;
    if (t.kind === "select" && t.array.kind === "var") {
      const cellsOf = arrays.get(t.array.name) ?? new Map<bigint, bigint>();
      cellsOf.set(evalBv(t.index, env), v);
      arrays.set(t.array.name, cellsOf);
    }
    if (t.kind === "apply")
      applications.set(`${t.fn.name}(${t.args.map((a) => String(evalBv(a, env))).join(",")})`, v);
  });
  const asArrays = new Map<string, ArrayValue>(
    [...arrays].map(([k, entries]) => [k, { fallback: 0n, entries }]),
  );
  return { values: env.values, arrays: asArrays, applications };
}
