// Links one program of an ObjectSpec the way libbpf does before loading: the
// program's instructions followed by the .text functions it reaches (calls
// and callback addresses, transitively, in the order they are found), with
// every subprogram call re-pointed at its callee. Functions it never reaches
// are not appended, so they are not reported unreachable. lddw relocations
// against maps and globals are kept as a side table (slot -> target).
import type { FunctionSpec, ObjectSpec, ProgramRelocTarget, ProgramSpec } from "../object/index.js";
import { decodeProgram, type DecodeIssue, type Insn, type PlacedInsn } from "../isa/index.js";

export interface LinkedProgram {
  readonly name: string;
  readonly insns: readonly PlacedInsn[];
  readonly issues: readonly DecodeIssue[];
  /** lddw slot -> the map or global it loads */
  readonly lddwTargets: ReadonlyMap<number, ProgramRelocTarget>;
}

/** Where each function of the linked program starts: the program at 0, then its callees. */
export interface LinkedPart {
  readonly fn: FunctionSpec;
  readonly base: number;
}

/** The .text function holding .text instruction `index`, and the offset in it. */
function owner(text: readonly FunctionSpec[], index: number): [FunctionSpec, number] | undefined {
  const fn = text.find((f) => index >= f.insnOffset && index < f.insnOffset + f.insnCount);
  return fn && [fn, index - fn.insnOffset];
}

/** The program and, breadth-first, every .text function it reaches. */
export function linkLayout(obj: ObjectSpec, prog: ProgramSpec): LinkedPart[] {
  const parts: LinkedPart[] = [{ fn: prog, base: 0 }];
  const placed = new Set<FunctionSpec>([prog]);
  let next = prog.insnCount;
  for (let i = 0; i < parts.length; i++) {
    const fn = parts[i]?.fn;
    for (const r of fn?.relocations ?? []) {
      if (r.target.kind !== "subprogram") continue;
      const callee = owner(obj.subprograms, r.target.insnIndex)?.[0];
      if (!callee || placed.has(callee)) continue;
      placed.add(callee);
      parts.push({ fn: callee, base: next });
      next += callee.insnCount;
    }
  }
  return parts;
}

export function linkProgram(obj: ObjectSpec, prog: ProgramSpec): LinkedProgram {
  const parts = linkLayout(obj, prog);
  const baseOf = new Map(parts.map((p) => [p.fn, p.base]));
  const decoded = decodeProgram(Buffer.concat(parts.map((p) => p.fn.instructions)));
  const calls = new Map<number, number>();
  const lddwTargets = new Map<number, ProgramRelocTarget>();
  for (const { fn, base } of parts) {
    for (const r of fn.relocations) {
      const at = base + r.insnIndex;
      if (r.target.kind !== "subprogram") {
        lddwTargets.set(at, r.target);
        continue;
      }
      const hit = owner(obj.subprograms, r.target.insnIndex);
      const calleeBase = hit && baseOf.get(hit[0]);
      if (hit && calleeBase !== undefined) calls.set(at, calleeBase + hit[1]);
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
