// One position problem as SMT-LIB: each side's first-match list becomes an
// ite chain over small outcome numbers, and the problem holds when the two
// numbers can differ. Outcome numbers are local to the problem (first
// appearance order), so problems that differ only in which rules they name
// print the same text, and are solved once.
import type { Candidate } from "./candidates.js";
import type { PositionProblem } from "./position-source.js";
import { bvLit } from "./smt-text.js";

export interface EncodedProblem {
  /** `true` when the two sides can disagree */
  readonly differs: string;
  readonly kernelText: string;
  readonly decideText: string;
  readonly deps: ReadonlySet<string>;
  /** Identical texts are the same problem up to the rules' names. */
  readonly signature: string;
}

function chain(list: readonly Candidate[], number: (code: string) => number): string {
  // Neighbours with the same outcome are merged: fewer nested ites.
  const merged: { conds: string[]; n: number }[] = [];
  for (const c of list) {
    const n = number(c.code);
    const last = merged[merged.length - 1];
    if (last !== undefined && last.n === n) last.conds.push(c.cond.text);
    else merged.push({ conds: [c.cond.text], n });
  }
  // Within a group the order is immaterial: sorted, equal groups print alike.
  merged.forEach((m) => m.conds.sort());
  const open = merged.map(
    (m) =>
      `(ite ${m.conds.length === 1 ? m.conds[0] : `(or ${m.conds.join(" ")})`} ${bvLit(m.n, 32)} `,
  );
  return `${open.join("")}${bvLit(0, 32)}${")".repeat(open.length)}`;
}

export function encodeProblem(p: PositionProblem): EncodedProblem {
  const numbers = new Map<string, number>();
  const number = (code: string) => {
    let n = numbers.get(code);
    if (n === undefined) numbers.set(code, (n = numbers.size + 1));
    return n;
  };
  const kernel = chain(p.kernel, number);
  const decide = chain(p.decide, number);
  const deps = new Set([...p.kernel, ...p.decide].flatMap((c) => c.cond.deps));
  const differs = `(distinct ${kernel} ${decide})`;
  return { differs, kernelText: kernel, decideText: decide, deps, signature: differs };
}
