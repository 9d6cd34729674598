// Counterexamples under chosen map contents. A clause about a hook's decision
// has, over all map contents, a condition of thousands of nodes (the best
// score over 144 candidate keys), and a solver that cannot prove a wrong
// clause often cannot find its model either. Under one concrete shape of a
// map (every key present, every entry the same bytes) the lookups become
// constants, the candidate keys a config never uses fold away, and the
// condition shrinks to a few hundred nodes. A model found there, completed
// with that map's entries, is a real counterexample: it is one input of the
// original condition, and the term evaluator confirms it on a path.
import { observables, toAssignment, type Solver } from "../smt/index.js";
import {
  bv,
  evalBv,
  mapChildren,
  not,
  subterms,
  type Assignment,
  type Obligation,
  type Term,
} from "../vc/index.js";
import { confirms } from "./confirm.js";

/** Map contents to search under: each named map holds `value` at every key. */
export interface WitnessMaps {
  readonly name: string;
  readonly maps: ReadonlyMap<string, Uint8Array>;
}

const PRESENT = "present:";
const VALUE = "mapval:";

/** The constant an application of a witness map's present:/mapval: function takes, if any. */
function constantOf(t: Term, w: WitnessMaps): bigint | undefined {
  if (t.kind !== "apply") return undefined;
  const name = t.fn.name;
  if (name.startsWith(PRESENT) && w.maps.has(name.slice(PRESENT.length))) return 1n;
  const value = name.startsWith(VALUE) ? w.maps.get(name.slice(VALUE.length)) : undefined;
  const index = t.args.at(-1);
  if (!value || index?.kind !== "bv-const") return undefined;
  return BigInt(value[Number(index.value)] ?? 0);
}

/** t with the witness maps' lookups replaced by their constants. */
export function restrict(t: Term, w: WitnessMaps): Term {
  const memo = new Map<number, Term>();
  const visit = (u: Term): Term => {
    const hit = memo.get(u.id);
    if (hit !== undefined) return hit;
    const k = constantOf(u, w);
    const out =
      k !== undefined && u.sort.kind === "bv" ? bv(k, u.sort.width) : mapChildren(u, visit);
    memo.set(u.id, out);
    return out;
  };
  return visit(t);
}

/**
 * The model's assignment with the witness maps' entries at every key the
 * original condition looks up (keys may depend on other lookups, so a few
 * rounds).
 */
function completed(condition: Term, env: Assignment, w: WitnessMaps): Assignment {
  const apps = subterms([condition]).filter((t) => constantOf(t, w) !== undefined);
  const applications = new Map(env.applications ?? []);
  for (let round = 0; round < 4; round++)
    for (const t of apps) {
      if (t.kind !== "apply") continue;
      const full = { ...env, applications };
      const args = t.args.map((a) => String(evalBv(a, full)));
      applications.set(`${t.fn.name}(${args.join(",")})`, constantOf(t, w) ?? 0n);
    }
  return { ...env, applications };
}

/** A confirmed counterexample of `ob` under one of the witness maps, or none. */
export async function refuteUnder(
  solver: Solver,
  ob: Obligation,
  witnesses: readonly WitnessMaps[],
  timeoutMs: number,
): Promise<Assignment | undefined> {
  for (const w of witnesses) {
    const negated = not(restrict(ob.condition, w));
    const observe = observables([negated]);
    const r = await solver.check({ assertions: [negated], observe }, timeoutMs);
    if (r.kind !== "sat") continue;
    const model = completed(ob.condition, toAssignment(observe, r.values), w);
    if (confirms(ob, model)) return model;
  }
  return undefined;
}
