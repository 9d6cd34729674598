// Names the fresh inputs of an exploration so that two explorations of
// programs that differ in one slot share them. The executor names a fresh
// input (a helper result such as ktime_get_ns, the bytes get_current_comm
// writes, a reservation's initial bytes) `<what>@<slot>#<n>`, where n is a
// counter of the whole exploration (or the region count of the path): it
// depends on the order paths were explored in, which a mutant changes.
// Dropping it leaves `<what>@<slot>`, "what the instruction at this slot
// produced": one value per run exactly when no slot runs twice on a path,
// which `runsEachSlotOnce` checks (no loop, no bpf-to-bpf call). The one
// instruction that makes several fresh inputs at once, a helper filling a
// buffer, puts the byte's index in `<what>` (`out[3]`). Anything that would
// still give two inputs of one path the same name is an error, never an
// identification.
import { buildCfg, dominators, findLoops, linkProgram } from "../cfg/index.js";
import type { ObjectSpec } from "../object/index.js";
import { mapChildren, variable, type Term } from "../vc/index.js";

const FRESH = /^(.+@\d+)#\d+$/;

/** Whether every slot of the program runs at most once on any path. */
export function runsEachSlotOnce(obj: ObjectSpec, program: string): boolean {
  const prog = obj.programs.find((p) => p.name === program);
  if (!prog) throw new Error(`equivalence: ${obj.fileName} has no program ${program}`);
  const cfg = buildCfg(linkProgram(obj, prog).insns);
  if (cfg.functions.length !== 1) return false;
  return cfg.functions.every((fn) => {
    const loops = findLoops(cfg, fn, dominators(cfg, fn));
    return loops.loops.length === 0 && loops.irreducible.length === 0;
  });
}

/**
 * Rewrites the fresh inputs of one path (one exit: its path, r0 and trace)
 * to their canonical names. `seen` maps each canonical name to the original
 * name it took, so two fresh inputs of the path that would share a name are
 * reported instead of silently identified; hence one instance per path.
 */
export class CanonicalInputs {
  private readonly memo = new Map<number, Term>();
  private readonly seen = new Map<string, string>();

  rename(t: Term): Term {
    const hit = this.memo.get(t.id);
    if (hit !== undefined) return hit;
    const out = this.rebuild(t);
    this.memo.set(t.id, out);
    return out;
  }

  private variable(t: Term & { kind: "var" }): Term {
    const m = FRESH.exec(t.name);
    if (!m?.[1]) return t;
    const name = m[1];
    const before = this.seen.get(name);
    if (before !== undefined && before !== t.name)
      throw new Error(`equivalence: ${before} and ${t.name} would share the name ${name}`);
    this.seen.set(name, t.name);
    return variable(name, t.sort);
  }

  private rebuild(t: Term): Term {
    return t.kind === "var" ? this.variable(t) : mapChildren(t, (c) => this.rename(c));
  }
}
