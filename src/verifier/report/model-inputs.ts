// The inputs a counterexample assigns, read from the model by the naming
// scheme of the symbolic executor: `ctx` is the context, `bytes:<region tag>`
// a region's initial bytes, `<helper>@<pc>#<n>` a helper result,
// `null:<what>@<pc>#<n>` whether a lookup returned NULL and `out@<pc>#<n>`
// the bytes a helper wrote. Only the variables of the path the model breaks
// are used; per helper slot they are consumed in creation order (#n). A
// replay can rewind to a mark: every run of a bpf_loop callback gets the
// values of the one run the symbolic executor checked.
import {
  evalBool,
  subterms,
  type Assignment,
  type ObligationCase,
  type Term,
} from "../vc/index.js";
import type { Obligation } from "../vc/index.js";

export interface ModelInputs {
  readonly model: Assignment;
  readonly failing: ObligationCase;
  /** the context bytes */
  readonly ctx: Uint8Array;
  /** next value for a name prefix such as `ktime_get_ns@12` (consumed in order) */
  readonly next: (prefix: string) => bigint | boolean | undefined;
  /** the array bytes of the next region whose tag starts with `prefix` */
  readonly nextArray: (prefix: string) => ReadonlyMap<bigint, bigint>;
  readonly listing: () => readonly InputValue[];
  /** how far each slot has been consumed */
  readonly mark: () => InputMark;
  /** consumes again from a mark */
  readonly rewind: (mark: InputMark) => void;
}

export type InputMark = ReadonlyMap<string, number>;

export interface InputValue {
  readonly name: string;
  readonly value: string;
}

/** The per-path case the model falsifies, if any. */
export function failingCase(ob: Obligation, model: Assignment): ObligationCase | undefined {
  return ob.cases.find((c) => {
    try {
      return evalBool(c.path, model) && !evalBool(c.safe, model);
    } catch {
      return false;
    }
  });
}

const suffix = (name: string): number => Number(name.slice(name.lastIndexOf("#") + 1));
const prefixOf = (name: string): string => name.slice(0, name.lastIndexOf("#"));

export function modelInputs(
  model: Assignment,
  failing: ObligationCase,
  ctxSize: number,
): ModelInputs {
  const vars = subterms([failing.path, failing.safe]).filter(
    (t): t is Extract<Term, { kind: "var" }> => t.kind === "var",
  );
  const queues = new Map<string, string[]>();
  for (const v of [...vars].sort((a, b) => suffix(a.name) - suffix(b.name))) {
    if (!v.name.includes("#")) continue;
    const list = queues.get(prefixOf(v.name)) ?? [];
    list.push(v.name);
    queues.set(prefixOf(v.name), list);
  }
  const taken = new Map<string, number>();
  const take = (prefix: string) => {
    const at = taken.get(prefix) ?? 0;
    taken.set(prefix, at + 1);
    return queues.get(prefix)?.[at];
  };
  const ctxCells = model.arrays.get("ctx")?.entries ?? new Map<bigint, bigint>();
  return {
    model,
    failing,
    ctx: Uint8Array.from({ length: ctxSize }, (_, i) => Number(ctxCells.get(BigInt(i)) ?? 0n)),
    next: (prefix) => {
      const name = take(prefix);
      return name === undefined ? undefined : (model.values.get(name) ?? false);
    },
    nextArray: (prefix) => {
      const name = take(`bytes:${prefix}`);
      return (name && model.arrays.get(name)?.entries) || new Map();
    },
    listing: () => listing(model, vars),
    mark: () => new Map(taken),
    rewind: (mark) => {
      taken.clear();
      for (const [prefix, at] of mark) taken.set(prefix, at);
    },
  };
}

function listing(model: Assignment, vars: readonly Extract<Term, { kind: "var" }>[]): InputValue[] {
  const out: InputValue[] = [];
  for (const v of vars) {
    if (v.name.startsWith("base:")) continue;
    const scalar = model.values.get(v.name);
    if (scalar !== undefined) out.push({ name: v.name, value: show(scalar) });
    const cells = model.arrays.get(v.name)?.entries;
    if (cells && cells.size > 0)
      out.push({
        name: v.name,
        value: [...cells]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([i, b]) => `[${i}]=0x${b.toString(16).padStart(2, "0")}`)
          .join(" "),
      });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

const show = (v: bigint | boolean): string =>
  typeof v === "boolean" ? String(v) : `0x${v.toString(16)} (${BigInt.asIntN(64, v)})`;
