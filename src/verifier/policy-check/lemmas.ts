// Most positions of a correct image differ between the two sides only in how
// a placement is written: the kernel looks up the deepest named cgroup (and
// the compiler copied each placement to the named cgroups below it), decide()
// compares one level of the task's cgroup path. When both first-match lists
// have the same outcomes in the same order, the position holds as soon as,
// per (executable, identity) pair, the kernel's placement disjunctions are
// equivalent to decide()'s (cumulatively, see lemmasFor). Those
// equivalences ("lemmas") are few and shared by many positions, so the solver
// proves each once. A position that does not align this way, or whose lemma
// fails, is solved whole (problem-smt.ts), which is exact.
import type { Candidate } from "./candidates.js";
import type { PositionProblem } from "./position-source.js";
import { orText, type Cond } from "./smt-text.js";

export interface Lemma {
  /** kernel placement disjunction, equivalent to decide()'s under the assumptions */
  readonly kernel: string;
  readonly decide: string;
  readonly deps: readonly string[];
}

interface Group {
  readonly code: string;
  /** (exe, identity) -> placement conditions */
  readonly pairs: Map<string, Cond[]>;
}

function groups(list: readonly Candidate[]): Group[] | null {
  const out: Group[] = [];
  for (const c of list) {
    if (c.cond.parts === undefined) return null;
    let g = out[out.length - 1];
    if (g === undefined || g.code !== c.code) out.push((g = { code: c.code, pairs: new Map() }));
    const key = `${c.cond.parts.exe.text}|${c.cond.parts.ident.text}`;
    const places = g.pairs.get(key);
    if (places === undefined) g.pairs.set(key, [c.cond.parts.place]);
    else places.push(c.cond.parts.place);
  }
  return out;
}

function placeText(places: readonly Cond[]): string {
  if (places.some((p) => p.text === "true")) return "true";
  return orText([...new Set(places.map((p) => p.text))].sort());
}

/**
 * The lemmas that prove position `p`, or null when its two sides do not
 * align. Per (exe, identity) pair the lemma is cumulative: the placements of
 * groups 0..i on one side against those on the other. Then, for every i,
 * "some group up to i matches" is the same on both sides, so the first match
 * is the same group, with the same outcome. (Pairwise lemmas would fail: the
 * compiler keeps one entry per key, so a copy of a placement that a deeper,
 * earlier rule already owns is not in the later rule's group.)
 */
export function lemmasFor(p: PositionProblem): Lemma[] | null {
  const k = groups(p.kernel);
  const d = groups(p.decide);
  if (k === null || d === null || k.length !== d.length) return null;
  const lemmas: Lemma[] = [];
  const kAcc = new Map<string, Cond[]>();
  const dAcc = new Map<string, Cond[]>();
  const grow = (acc: Map<string, Cond[]>, key: string, more: readonly Cond[] | undefined) => {
    const list = acc.get(key) ?? [];
    list.push(...(more ?? []));
    acc.set(key, list);
    return list;
  };
  for (const [i, kg] of k.entries()) {
    const dg = d[i];
    if (dg === undefined || dg.code !== kg.code) return null;
    for (const key of new Set([...kg.pairs.keys(), ...dg.pairs.keys()])) {
      const kPlaces = grow(kAcc, key, kg.pairs.get(key));
      const dPlaces = grow(dAcc, key, dg.pairs.get(key));
      const kernel = placeText(kPlaces);
      const decide = placeText(dPlaces);
      if (kernel !== decide)
        lemmas.push({ kernel, decide, deps: [...kPlaces, ...dPlaces].flatMap((c) => c.deps) });
    }
  }
  return lemmas;
}

export const lemmaKey = (l: Lemma): string => `${l.kernel}<=>${l.decide}`;
