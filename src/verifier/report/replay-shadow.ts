// Shadow state for the replay: which registers and stack bytes have been
// written, mirroring the symbolic executor's rules (r1 and r10 at entry; a
// helper call writes r0 and makes r1-r5 unreadable; a bpf-to-bpf callee
// starts with r6-r9 unwritten and a fresh stack; each run of a bpf_loop
// callback starts with only r1, r2 and r10 written and a fresh stack).
import type { Insn, Reg } from "../isa/index.js";
import type { Machine, Region } from "../semantics/index.js";
import { locate } from "../semantics/index.js";
import { reads, writes } from "./register-use.js";
import type { FrameChange } from "./replay-frames.js";
import type { ReplayWorld } from "./replay-env.js";

interface Before {
  readonly store: { addr: bigint; size: number } | undefined;
}

const CALLBACK_ENTRY: readonly Reg[] = [1, 2, 10];

const MAP_KEY_HELPERS = new Set([1, 2, 3]);

export class Shadow {
  private init = new Set<Reg>([1, 10]);
  private readonly saved: Set<Reg>[] = [];
  private readonly stackInit = new Map<number, Uint8Array>();

  constructor(private readonly m: Machine) {}

  beforeStep(insn: Insn): Before {
    const store =
      insn.kind === "store" || insn.kind === "store-imm" || insn.kind === "atomic"
        ? {
            addr: BigInt.asUintN(64, (this.m.regs[insn.dst] ?? 0n) + BigInt(insn.off)),
            size: insn.size,
          }
        : undefined;
    return { store };
  }

  afterStep(insn: Insn, before: Before, world: ReplayWorld, change: FrameChange | undefined): void {
    if (before.store) this.mark(before.store.addr, before.store.size);
    for (const w of world.written.splice(0)) this.mark(w.addr, w.size);
    if (insn.kind === "call" && insn.target.kind === "helper")
      for (let r = 1; r <= 5; r++) this.init.delete(r);
    for (const r of writes(insn)) this.init.add(r);
    const depth = this.m.frames.length;
    if (change === "call" || change === "callback") this.enterFrame(depth);
    if (change === "return" || change === "loop-done") this.leaveFrame();
    if (change === "callback" || change === "next-run") this.startCallbackRun(depth);
    // bpf_loop's count
    if (change === "loop-done") this.init.add(0);
  }

  unwrittenRead(insn: Insn): string | undefined {
    const r = reads(insn).find((n) => !this.init.has(n));
    return r === undefined ? undefined : `r${r} is read before it is written`;
  }

  unwrittenStackRead(insn: Insn, world: ReplayWorld): string | undefined {
    if (insn.kind === "load")
      return this.unwritten(
        BigInt.asUintN(64, (this.m.regs[insn.src] ?? 0n) + BigInt(insn.off)),
        insn.size,
      );
    if (insn.kind !== "call" || insn.target.kind !== "helper") return undefined;
    if (!MAP_KEY_HELPERS.has(insn.target.id)) return undefined;
    const map = world.mapOf(this.m.regs[1] ?? 0n);
    if (map === undefined) return undefined;
    const key = this.unwritten(this.m.regs[2] ?? 0n, map.keySize);
    if (key !== undefined || insn.target.id !== 2) return key && `map key: ${key}`;
    const value = this.unwritten(this.m.regs[3] ?? 0n, map.valueSize);
    return value && `map value: ${value}`;
  }

  private unwritten(addr: bigint, size: number): string | undefined {
    const at = locate(this.m.memory, addr, size);
    if (!at.ok || at.value.region.kind !== "stack") return undefined;
    const bits = this.bitsOf(at.value.region);
    for (let i = 0; i < size; i++)
      if (bits[at.value.offset + i] !== 1)
        return `stack byte r10${at.value.offset + i - 512} is read before it is written`;
    return undefined;
  }

  private mark(addr: bigint, size: number): void {
    const at = locate(this.m.memory, addr, size);
    if (!at.ok || at.value.region.kind !== "stack") return;
    this.bitsOf(at.value.region).fill(1, at.value.offset, at.value.offset + size);
  }

  private bitsOf(region: Region): Uint8Array {
    let bits = this.stackInit.get(region.id);
    if (bits === undefined)
      this.stackInit.set(region.id, (bits = new Uint8Array(region.bytes.length)));
    return bits;
  }

  private enterFrame(depth: number): void {
    this.saved.push(new Set([...this.init].filter((r) => r >= 6 && r <= 9)));
    for (let r = 6; r <= 9; r++) this.init.delete(r);
    const stack = this.m.stacks[depth];
    if (stack) this.stackInit.set(stack.id, new Uint8Array(stack.bytes.length));
  }

  private startCallbackRun(depth: number): void {
    this.init = new Set(CALLBACK_ENTRY);
    const stack = this.m.stacks[depth];
    if (stack) this.stackInit.set(stack.id, new Uint8Array(stack.bytes.length));
  }

  private leaveFrame(): void {
    const saved = this.saved.pop() ?? new Set<Reg>();
    for (let r = 1; r <= 9; r++) this.init.delete(r);
    for (const r of saved) this.init.add(r);
  }
}
