// A specification's lemma inside a program ("cut"), under the functional
// model: at one slot, the bytes at an offset from the pointer in a register
// must equal a term the specification gives, which is a functional
// obligation of its own; the path then goes on with that term in their
// place. Clauses about what follows are then stated over the lemma's term
// rather than over the merged terms the program built (a bpf_loop's best
// score after 144 unrolled, merged iterations), so each query stays small.
// Sound: on every path through the slot the stored bytes equal the term,
// once the lemma is proved, so replacing them changes no value.
import type { MemSize } from "../isa/index.js";
import type { Exec } from "./exec-context.js";
import { load, storeValue } from "./sym-memory.js";
import { scalar, UNINIT, type PathState } from "./sym-state.js";
import { numeric } from "./sym-step.js";
import { eq, extract } from "./term-store.js";
import type { Term } from "./term.js";

export interface Cut {
  readonly name: string;
  /** the slot before whose instruction the lemma holds */
  readonly pc: number;
  /** the register that points at the bytes */
  readonly reg: number;
  readonly offset: number;
  readonly size: MemSize;
  /**
   * What the bytes hold, a term over the program's inputs; or, at a loop
   * head, a term for each value of the loop counter in `reg` (a constant on
   * every unrolled iteration), none where the lemma says nothing.
   */
  readonly value: Term | { readonly reg: number; readonly at: (n: number) => Term | undefined };
  /**
   * After the lemma, drop the path conjuncts added since the current
   * function was called (a bpf_loop trampoline: the loop's exits). Dropping
   * conjuncts only lets more states through, so proofs after it stay sound;
   * it is useful when the lemma pins all the loop computed.
   */
  readonly forgetCall?: boolean;
  /**
   * Subterms the lemma's proof may generalize (generalize.ts). At a loop
   * head, the value the previous iteration started from is generalized as
   * well: the step from one iteration to the next holds whatever it was.
   */
  readonly opaque?: readonly Term[];
}

interface Lemma {
  readonly value: Term;
  readonly tag: string;
  readonly opaque?: readonly Term[];
}

function valueOf(s: PathState, cut: Cut): Lemma | undefined {
  if (!("reg" in cut.value))
    return { value: cut.value, tag: cut.name, ...(cut.opaque ? { opaque: cut.opaque } : {}) };
  const counter = s.regs[cut.value.reg];
  if (counter?.kind !== "scalar" || counter.v.kind !== "bv-const") return undefined;
  const n = Number(counter.v.value);
  const value = cut.value.at(n);
  const previous = n > 0 ? cut.value.at(n - 1) : undefined;
  const opaque = [...(previous ? [previous] : []), ...(cut.opaque ?? [])];
  return value && { value, tag: `${cut.name}#${n}`, ...(opaque.length > 0 ? { opaque } : {}) };
}

export function applyCuts(x: Exec, s: PathState, pc: number, cuts: readonly Cut[]): void {
  // Every lemma at the slot is stated on the whole path; only then may the
  // path forget what its loop did (a lemma stated after the forgetting would
  // lose the conditions its own terms were built under).
  let forget = false;
  for (const cut of cuts) {
    const lemma = valueOf(s, cut);
    if (!lemma) continue;
    const ptr = s.regs[cut.reg] ?? UNINIT;
    const held = extract(
      cut.size * 8 - 1,
      0,
      numeric(x, s, pc, load(x, s, pc, ptr, cut.offset, cut.size)),
    );
    x.obligations.add(s.path, {
      kind: "functional",
      pc,
      safe: eq(held, lemma.value),
      message: `lemma ${cut.name}: the bytes at r${cut.reg}+${cut.offset} hold the specified value`,
      tag: lemma.tag,
      ...(lemma.opaque ? { opaque: lemma.opaque } : {}),
    });
    storeValue(x, s, pc, ptr, cut.offset, cut.size, scalar(lemma.value), lemma.value);
    forget ||= cut.forgetCall === true;
  }
  const since = s.frames.at(-1)?.pathAtCall;
  if (forget && since !== undefined) s.path = s.path.slice(0, since);
}
