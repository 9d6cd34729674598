// Which registers may still be read before they are written: live-in sets per
// instruction slot, by the classic backward dataflow over each function's
// blocks (calls are not followed; a call reads r1-r5 and writes r0-r5, as the
// calling convention says). The symbolic executor uses it to forget dead
// registers where paths join, so that states differing only in dead values
// merge. Sets are bitmasks over r0..r10; r10 (the frame pointer) is always live.
import type { Insn, Operand } from "../isa/index.js";
import type { Cfg } from "./cfg.js";

export type RegMask = number;

const bit = (r: number): RegMask => 1 << r;
const ARGS = bit(1) | bit(2) | bit(3) | bit(4) | bit(5);
const CLOBBERED = bit(0) | ARGS;
const FRAME = bit(10);
const opnd = (o: Operand): RegMask => (o.kind === "reg" ? bit(o.reg) : 0);

/** What one instruction reads and writes. */
export function regEffect(insn: Insn): { readonly use: RegMask; readonly def: RegMask } {
  switch (insn.kind) {
    case "alu":
      return { use: bit(insn.dst) | opnd(insn.src), def: bit(insn.dst) };
    case "mov":
      return { use: opnd(insn.src), def: bit(insn.dst) };
    case "movsx":
      return { use: bit(insn.src), def: bit(insn.dst) };
    case "neg":
    case "endian":
      return { use: bit(insn.dst), def: bit(insn.dst) };
    case "load":
      return { use: bit(insn.src), def: bit(insn.dst) };
    case "store":
      return { use: bit(insn.dst) | bit(insn.src), def: 0 };
    case "store-imm":
      return { use: bit(insn.dst), def: 0 };
    case "atomic": {
      const cmpxchg = insn.op === "cmpxchg";
      const use = bit(insn.dst) | bit(insn.src) | (cmpxchg ? bit(0) : 0);
      const def = cmpxchg ? bit(0) : insn.fetch || insn.op === "xchg" ? bit(insn.src) : 0;
      return { use, def };
    }
    case "jump":
      return { use: bit(insn.dst) | opnd(insn.src), def: 0 };
    case "goto":
      return { use: 0, def: 0 };
    case "call":
      return { use: ARGS, def: CLOBBERED };
    case "callx":
      return { use: ARGS | bit(insn.reg), def: CLOBBERED };
    case "exit":
      return { use: bit(0), def: 0 };
    case "lddw":
      return { use: 0, def: bit(insn.dst) };
    case "ld-packet":
      // legacy packet loads read r6 (the skb) and clobber r1-r5 besides writing r0
      return { use: bit(6) | (insn.mode === "ind" ? bit(insn.src) : 0), def: CLOBBERED };
  }
}

/** Live-in registers at every slot of the CFG (the masks include r10). */
export function liveRegisters(cfg: Cfg): ReadonlyMap<number, RegMask> {
  const liveIn = new Map<number, RegMask>();
  const blockIn = new Map<number, RegMask>();
  for (const fn of cfg.functions) {
    // Postorder visits successors first, so few rounds reach the fixpoint.
    const order = [...fn.blocks].reverse();
    for (let changed = true; changed;) {
      changed = false;
      for (const b of order) {
        const block = cfg.blocks[b];
        if (block === undefined) continue;
        let live = 0;
        for (const e of cfg.out[b] ?? []) live |= blockIn.get(e.to) ?? 0;
        for (let i = block.insns.length - 1; i >= 0; i--) {
          const p = block.insns[i];
          if (p === undefined) continue;
          const { use, def } = regEffect(p.insn);
          live = (live & ~def) | use | FRAME;
          liveIn.set(p.pc, live);
        }
        if (blockIn.get(b) !== live) {
          blockIn.set(b, live);
          changed = true;
        }
      }
    }
  }
  return liveIn;
}
