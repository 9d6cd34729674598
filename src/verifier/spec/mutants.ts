// Bytecode mutants of one program, to show a functional specification is not
// vacuous: every conditional jump inverted (an inverted comparison) and
// skipped (a check dropped), every comparison against a constant moved by one
// either way (an off-by-one bound), the errno constant changed, the
// ring-buffer submit removed (a missing event). Each mutant replaces one slot
// of the program's bytes in a copy of the ObjectSpec, so relocations and maps
// stay as they were.
import { decodeProgram, encodeInsn, encodeRaw, type Insn, type JmpCond } from "../isa/index.js";
import type { ObjectSpec } from "../object/index.js";

export type MutationKind = "invert" | "skip" | "bound+1" | "bound-1" | "errno" | "no-submit";

export interface SpecMutant {
  readonly name: string;
  readonly kind: MutationKind;
  readonly program: string;
  readonly slot: number;
  readonly obj: ObjectSpec;
}

const NEGATED: Partial<Record<JmpCond, JmpCond>> = {
  eq: "ne",
  ne: "eq",
  gt: "le",
  le: "gt",
  ge: "lt",
  lt: "ge",
  sgt: "sle",
  sle: "sgt",
  sge: "slt",
  slt: "sge",
};

const NOP: Insn = { kind: "goto", off: 0, long: false };
const RINGBUF_SUBMIT = 132;
const EACCES = -13;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** `jxx r, K` as `jxx r, K+1` and `jxx r, K-1`, where the immediate still fits. */
function offByOne(insn: Insn & { kind: "jump" }): [MutationKind, Insn][] {
  if (insn.src.kind !== "imm") return [];
  const k = insn.src.value;
  const moved: [MutationKind, number][] = [
    ["bound+1", k + 1],
    ["bound-1", k - 1],
  ];
  return moved
    .filter(([, v]) => v >= INT32_MIN && v <= INT32_MAX)
    .map(([kind, value]) => [kind, { ...insn, src: { kind: "imm", value } }]);
}

/** The mutations of one instruction, by kind. */
function mutationsOf(insn: Insn): [MutationKind, Insn][] {
  switch (insn.kind) {
    case "jump": {
      const neg = NEGATED[insn.cond];
      const inverted: [MutationKind, Insn][] = neg ? [["invert", { ...insn, cond: neg }]] : [];
      return [...inverted, ["skip", NOP], ...offByOne(insn)];
    }
    case "mov":
      return insn.src.kind === "imm" && insn.src.value === -1
        ? [["errno", { ...insn, src: { kind: "imm", value: EACCES } }]]
        : [];
    case "call":
      return insn.target.kind === "helper" && insn.target.id === RINGBUF_SUBMIT
        ? [["no-submit", NOP]]
        : [];
    default:
      return [];
  }
}

export function specMutants(obj: ObjectSpec, program: string): SpecMutant[] {
  const index = obj.programs.findIndex((p) => p.name === program);
  const prog = obj.programs[index];
  if (!prog) throw new Error(`mutants: ${obj.fileName} has no program ${program}`);
  const out: SpecMutant[] = [];
  for (const { pc, insn } of decodeProgram(prog.instructions).insns)
    for (const [what, changed] of mutationsOf(insn)) {
      const raw = encodeInsn(changed);
      if (raw.length !== 1 || !raw[0]) continue;
      const bytes = Buffer.from(prog.instructions);
      encodeRaw(raw[0], bytes, pc * 8);
      const programs = obj.programs.map((p, i) =>
        i === index ? { ...p, instructions: bytes } : p,
      );
      out.push({
        name: `${program}:${what}@${pc}`,
        kind: what,
        program,
        slot: pc,
        obj: { ...obj, programs },
      });
    }
  return out;
}
