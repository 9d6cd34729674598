// Links one program of an ObjectSpec the way libbpf does before loading: the
// program's instructions followed by all of .text, with every subprogram
// call re-pointed at its callee. lddw relocations against maps and globals
// are kept as a side table (slot -> target) for the symbolic executor.
import type { FunctionSpec, ObjectSpec, ProgramRelocTarget, ProgramSpec } from "../object/index.js";
import { decodeProgram, type DecodeIssue, type Insn, type PlacedInsn } from "../isa/index.js";

export interface LinkedProgram {
  readonly name: string;
  readonly insns: readonly PlacedInsn[];
  readonly issues: readonly DecodeIssue[];
  /** lddw slot -> the map or global it loads */
  readonly lddwTargets: ReadonlyMap<number, ProgramRelocTarget>;
}

export function linkProgram(obj: ObjectSpec, prog: ProgramSpec): LinkedProgram {
  const text = [...obj.subprograms].sort((a, b) => a.insnOffset - b.insnOffset);
  const usesText = prog.relocations.some((r) => r.target.kind === "subprogram");
  const parts: FunctionSpec[] = usesText ? [prog, ...text] : [prog];
  const textBase = prog.insnCount;
  const decoded = decodeProgram(Buffer.concat(parts.map((p) => p.instructions)));
  const base = (fn: FunctionSpec) => (fn === prog ? 0 : textBase + fn.insnOffset);
  const calls = new Map<number, number>();
  const lddwTargets = new Map<number, ProgramRelocTarget>();
  for (const fn of parts) {
    for (const r of fn.relocations) {
      const at = base(fn) + r.insnIndex;
      if (r.target.kind === "subprogram") calls.set(at, textBase + r.target.insnIndex);
      else lddwTargets.set(at, r.target);
    }
  }
  const insns = decoded.insns.map((p) => {
    const target = calls.get(p.pc);
    return target === undefined ? p : { pc: p.pc, insn: retarget(p, target) };
  });
  return { name: prog.name, insns, issues: decoded.issues, lddwTargets };
}

/**
 * Points a call, or an lddw that takes a subprogram's address (a bpf_loop
 * callback), at its callee, as libbpf does: the lddw becomes src=func with
 * imm = the callee's offset relative to the next instruction.
 */
function retarget(p: PlacedInsn, target: number): Insn {
  if (p.insn.kind === "call")
    return { kind: "call", target: { kind: "local", off: target - p.pc - 1 } };
  if (p.insn.kind === "lddw") return { ...p.insn, src: "func", imm: target - p.pc - 1, nextImm: 0 };
  return p.insn;
}
