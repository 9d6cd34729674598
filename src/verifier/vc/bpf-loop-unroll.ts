// bpf_loop under the functional model: each call of the helper becomes a
// local call to a trampoline appended to the program, which does what the
// kernel's bpf_loop does (kernel/bpf/bpf_iter.c): -EINVAL for nonzero flags,
// -E2BIG for more than 1 << 23 iterations, else callback(i, ctx) for i = 0,
// 1, ... until nr_loops or the first nonzero return, and the number of calls
// made. The executor then runs the callback like any other bpf-to-bpf call,
// so a specification sees what the callback looked up and wrote. The loop in
// the trampoline is unrolled like every loop: its bound is an obligation.
import type { Insn, PlacedInsn } from "../isa/index.js";
import { branchTarget } from "../cfg/index.js";

const BPF_LOOP = 181;
const EINVAL = -22;
const E2BIG = -7;
const MAX_LOOPS = 1 << 23;

const mov = (dst: number, src: number | { reg: number }, width: 32 | 64 = 64): Insn => ({
  kind: "mov",
  width,
  dst,
  src: typeof src === "number" ? { kind: "imm", value: src } : { kind: "reg", reg: src.reg },
});

const HEAD = 7;
/** the trampoline's slot where every run of the loop ends, r7 holding the callback's ctx */
const DONE = 13;
const EXIT = 15;
const CTX_REG = 7;
const COUNTER_REG = 8;

/** One bpf_loop call the expansion rewrote. */
export interface LoopSite {
  /** the slot of the bpf_loop call */
  readonly call: number;
  /** the callback's first slot */
  readonly callback: number;
  /** the slot where the loop has ended, and the register that holds its ctx there */
  readonly done: number;
  readonly ctxReg: number;
  /** the loop's head, entered before each iteration with its index in counterReg */
  readonly head: number;
  readonly counterReg: number;
}

/** The trampoline for `callback`, placed at slot `at`. */
function trampoline(at: number, callback: number): Insn[] {
  const jumpTo = (from: number, to: number) => to - from - 1;
  return [
    mov(0, EINVAL),
    {
      kind: "jump",
      cond: "ne",
      width: 64,
      dst: 4,
      src: { kind: "imm", value: 0 },
      off: jumpTo(1, EXIT),
    },
    mov(0, E2BIG),
    {
      kind: "jump",
      cond: "gt",
      width: 32,
      dst: 1,
      src: { kind: "imm", value: MAX_LOOPS },
      off: jumpTo(3, EXIT),
    },
    mov(6, { reg: 1 }, 32),
    mov(7, { reg: 3 }),
    mov(8, 0),
    {
      kind: "jump",
      cond: "ge",
      width: 64,
      dst: 8,
      src: { kind: "reg", reg: 6 },
      off: jumpTo(HEAD, DONE),
    },
    mov(1, { reg: 8 }),
    mov(2, { reg: 7 }),
    { kind: "call", target: { kind: "local", off: callback - (at + 10) - 1 } },
    { kind: "alu", op: "add", width: 64, dst: 8, src: { kind: "imm", value: 1 } },
    {
      kind: "jump",
      cond: "eq",
      width: 64,
      dst: 0,
      src: { kind: "imm", value: 0 },
      off: jumpTo(12, HEAD),
    },
    // Reads the ctx pointer once more, so it stays live (and survives
    // merging) where a specification's lemma reads through it.
    mov(1, { reg: CTX_REG }),
    mov(0, { reg: 8 }),
    { kind: "exit" },
  ];
}

const writesR2 = (i: Insn): boolean =>
  (i.kind === "alu" ||
    i.kind === "mov" ||
    i.kind === "movsx" ||
    i.kind === "neg" ||
    i.kind === "endian" ||
    i.kind === "load" ||
    i.kind === "lddw") &&
  i.dst === 2;

/**
 * The callback a bpf_loop call at `index` passes: the lddw src=func that last
 * set r2 in the straight-line code before it, with no jump landing in between.
 */
function callbackOf(
  insns: readonly PlacedInsn[],
  index: number,
  landed: ReadonlySet<number>,
): { lddw: number; target: number } | undefined {
  for (let j = index - 1; j >= 0; j--) {
    const p = insns[j];
    if (
      p === undefined ||
      p.insn.kind === "jump" ||
      p.insn.kind === "goto" ||
      p.insn.kind === "exit"
    )
      return undefined;
    if (p.insn.kind === "call") return undefined;
    if (landed.has(insns[j + 1]?.pc ?? -1)) return undefined;
    if (!writesR2(p.insn)) continue;
    if (p.insn.kind !== "lddw" || p.insn.src !== "func") return undefined;
    return { lddw: j, target: p.pc + 1 + p.insn.imm };
  }
  return undefined;
}

/**
 * The program with every bpf_loop call whose callback is known rewritten into
 * a call of its trampoline, and those calls in program order; a call whose
 * callback is not known is left as it is (the executor reports it as
 * unsupported).
 */
export function expandBpfLoops(insns: readonly PlacedInsn[]): {
  insns: PlacedInsn[];
  sites: LoopSite[];
} {
  const sites: LoopSite[] = [];
  const landed = new Set(insns.flatMap((p) => branchTarget(p) ?? []));
  const out = [...insns];
  const last = insns.at(-1);
  let end = last ? last.pc + (last.insn.kind === "lddw" ? 2 : 1) : 0;
  insns.forEach((p, index) => {
    if (p.insn.kind !== "call" || p.insn.target.kind !== "helper" || p.insn.target.id !== BPF_LOOP)
      return;
    const cb = callbackOf(insns, index, landed);
    if (!cb) return;
    const lddwAt = out[cb.lddw];
    if (lddwAt)
      out[cb.lddw] = {
        pc: lddwAt.pc,
        insn: { ...lddwAt.insn, src: "imm64", imm: 0, nextImm: 0 } as Insn,
      };
    out[index] = {
      pc: p.pc,
      insn: { kind: "call", target: { kind: "local", off: end - p.pc - 1 } },
    };
    sites.push({
      call: p.pc,
      callback: cb.target,
      done: end + DONE,
      ctxReg: CTX_REG,
      head: end + HEAD,
      counterReg: COUNTER_REG,
    });
    const code = trampoline(end, cb.target);
    code.forEach((insn, k) => out.push({ pc: end + k, insn }));
    end += code.length;
  });
  return { insns: out, sites };
}
