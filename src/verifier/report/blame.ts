// Which source line a report points at. Most obligations sit on the
// offending instruction, but two do not read well there: an LSM return-range
// check sits on `exit`, which clang attributes to the function's first line,
// so the line that last set r0 on the replayed path is shown; a loop-bound
// check sits on the loop head, so the line of the back edge (the loop's
// condition) is shown.
import { branchTarget, type LinkedProgram } from "../cfg/index.js";
import type { Obligation } from "../vc/index.js";
import { writes } from "./register-use.js";
import type { Replay } from "./replay.js";
import type { SourceMap, SourceRef } from "./source-map.js";

export function blame(
  ob: Obligation,
  linked: LinkedProgram,
  where: SourceMap,
  replay: Replay | undefined,
): SourceRef | undefined {
  const at = where(ob.pc);
  if (ob.kind === "loop-bound") {
    const back = linked.insns.find(
      (p) =>
        (p.insn.kind === "jump" || p.insn.kind === "goto") &&
        p.pc > ob.pc &&
        branchTarget(p) === ob.pc,
    );
    return (back && where(back.pc)) ?? at;
  }
  if (ob.kind === "return-range" && replay?.kind === "confirmed") {
    const code = new Map(linked.insns.map((p) => [p.pc, p.insn]));
    const origin = [...replay.trace].reverse().find((s) => {
      const insn = code.get(s.pc);
      return insn !== undefined && insn.kind !== "exit" && writes(insn).includes(0);
    });
    return (origin && where(origin.pc)) ?? at;
  }
  return at;
}
