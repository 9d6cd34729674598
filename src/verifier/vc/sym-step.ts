// One straight-line instruction on a symbolic path: register moves and ALU
// (with pointer arithmetic on 64-bit add/sub; alu-rules.ts refuses the
// forms the kernel will not load), lddw, loads, stores, atomics
// and helper calls. Control flow (jumps, exits, bpf-to-bpf calls) belongs to
// explore.ts. Reading an unwritten register is an obligation that fails on
// every path reaching it.
import { assertNever, lddwValue, type Insn, type Operand, type Reg } from "../isa/index.js";
import { checkAluRules } from "./alu-rules.js";
import { atomicTerm, immTerm, low, scalarInsnTerm, widen } from "./alu-terms.js";
import type { Exec } from "./exec-context.js";
import { callHelper, arrayVar } from "./sym-helpers.js";
import { checkAccess, load, readBytes, storeValue } from "./sym-memory.js";
import {
  addRegion,
  scalar,
  UNINIT,
  valueTerm,
  type PathState,
  type SymValue,
} from "./sym-state.js";
import { FALSE, add, bv, constArray, eq, ite, not, sext, store, sub } from "./term-store.js";
import type { Term } from "./term.js";

export type StraightInsn = Exclude<Insn, { kind: "jump" | "goto" | "exit" }>;

export function use(x: Exec, s: PathState, pc: number, r: Reg): SymValue {
  const v = s.regs[r] ?? UNINIT;
  if (v.kind !== "uninit") return v;
  // Reported once; the path goes on with an unknown value so later checks still run.
  x.check(s, "uninit-reg", pc, FALSE, `r${r} is read before it is written`);
  const unknown = scalar(x.fresh(`uninit-r${r}`, pc, 64));
  s.regs[r] = unknown;
  return unknown;
}

export const numeric = (x: Exec, s: PathState, pc: number, v: SymValue): Term =>
  valueTerm(s, v, () => x.fresh("uninit", pc, 64));

const operandValue = (x: Exec, s: PathState, pc: number, o: Operand): SymValue =>
  o.kind === "reg" ? use(x, s, pc, o.reg) : scalar(immTerm(o.value));

export function stepInsn(x: Exec, s: PathState, pc: number, insn: StraightInsn): void {
  switch (insn.kind) {
    case "alu":
    case "mov":
    case "movsx":
    case "neg":
    case "endian":
      s.regs[insn.dst] = registerOp(x, s, pc, insn);
      return;
    case "lddw":
      s.regs[insn.dst] = lddw(x, s, pc, insn);
      return;
    case "load":
      s.regs[insn.dst] = loadInsn(x, s, pc, insn);
      return;
    case "store":
    case "store-imm": {
      const value = insn.kind === "store" ? use(x, s, pc, insn.src) : scalar(immTerm(insn.imm));
      storeValue(
        x,
        s,
        pc,
        use(x, s, pc, insn.dst),
        insn.off,
        insn.size,
        value,
        numeric(x, s, pc, value),
      );
      return;
    }
    case "atomic":
      return atomic(x, s, pc, insn);
    case "call":
      if (insn.target.kind === "helper") return callHelper(x, s, pc, insn.target.id);
      x.check(s, "unsupported", pc, FALSE, `${insn.target.kind} calls are not modelled here`);
      return;
    case "callx":
    case "ld-packet":
      x.check(s, "unsupported", pc, FALSE, `${insn.kind} is not supported`);
      s.regs[0] = scalar(x.fresh(insn.kind, pc, 64));
      return;
    default:
      return assertNever(insn);
  }
}

type RegisterInsn = Extract<Insn, { kind: "alu" | "mov" | "movsx" | "neg" | "endian" }>;

function registerOp(x: Exec, s: PathState, pc: number, insn: RegisterInsn): SymValue {
  const readsDst = insn.kind !== "mov" && insn.kind !== "movsx";
  const dst = readsDst ? use(x, s, pc, insn.dst) : UNINIT;
  const src =
    insn.kind === "alu" || insn.kind === "mov"
      ? operandValue(x, s, pc, insn.src)
      : insn.kind === "movsx"
        ? use(x, s, pc, insn.src)
        : dst;
  if (insn.kind === "mov" && insn.width === 64) return src;
  if (insn.kind === "alu") checkAluRules(x, s, pc, insn, dst, src);
  if (insn.kind === "alu" && insn.width === 64 && (insn.op === "add" || insn.op === "sub")) {
    const moved = pointerArith(x, s, pc, insn.op, dst, src);
    if (moved) return moved;
  }
  if (
    insn.kind === "alu" &&
    insn.src.kind === "reg" &&
    ["div", "sdiv", "mod", "smod"].includes(insn.op)
  ) {
    const divisor = low(numeric(x, s, pc, src), insn.width);
    x.check(
      s,
      "div-by-zero",
      pc,
      not(eq(divisor, bv(0n, insn.width))),
      `${insn.op} by a register that may be zero`,
    );
  }
  const regs = new Map<Reg, Term>();
  if (insn.kind === "alu" && insn.src.kind === "reg")
    regs.set(insn.src.reg, numeric(x, s, pc, src));
  if (insn.kind === "movsx") regs.set(insn.src, numeric(x, s, pc, src));
  if (readsDst) regs.set(insn.dst, numeric(x, s, pc, dst));
  if (insn.kind === "mov" && insn.src.kind === "reg")
    regs.set(insn.src.reg, numeric(x, s, pc, src));
  const v = scalarInsnTerm(insn, (r) => regs.get(r) ?? bv(0n, 64));
  return scalar(v);
}

/** ptr +/- scalar keeps the region; scalar + ptr too; ptr - ptr of one region is a scalar. */
function pointerArith(
  x: Exec,
  s: PathState,
  pc: number,
  op: "add" | "sub",
  dst: SymValue,
  src: SymValue,
): SymValue | undefined {
  const combine = op === "add" ? add : sub;
  if (dst.kind === "ptr" && src.kind === "scalar") {
    if (dst.isNull)
      x.check(s, "null-check", pc, not(dst.isNull), "arithmetic on a pointer that may be NULL");
    return { ...dst, off: combine(dst.off, src.v) };
  }
  if (op === "add" && dst.kind === "scalar" && src.kind === "ptr")
    return { ...src, off: add(src.off, dst.v) };
  if (op === "sub" && dst.kind === "ptr" && src.kind === "ptr" && dst.region === src.region)
    return scalar(sub(dst.off, src.off));
  if (dst.kind === "scalar" && dst.kernelPtr && src.kind === "scalar")
    return scalar(combine(dst.v, src.v), true);
  return undefined;
}

/** An array holding these bytes from offset 0 (zero beyond). */
function constantBytes(bytes: Uint8Array): Term {
  let array = constArray(64, bv(0n, 8));
  bytes.forEach((b, i) => {
    if (b !== 0) array = store(array, bv(BigInt(i), 64), bv(BigInt(b), 8));
  });
  return array;
}

function lddw(x: Exec, s: PathState, pc: number, insn: Extract<Insn, { kind: "lddw" }>): SymValue {
  const binding = x.program.lddw(pc);
  if (binding?.kind === "map") return { kind: "map", map: binding.map };
  if (binding?.kind === "global") {
    let id = s.globals.get(binding.section);
    if (id === undefined) {
      const tag = `global:${binding.section}`;
      id = addRegion(s, {
        tag,
        kind: "global",
        name: binding.section,
        size: bv(BigInt(binding.size), 64),
        bytes: binding.frozen ? constantBytes(binding.frozen) : arrayVar(`bytes:${tag}`),
        init: undefined,
        writable: binding.writable,
      }).id;
      s.globals.set(binding.section, id);
    }
    return { kind: "ptr", region: id, off: bv(BigInt(binding.offset), 64), isNull: undefined };
  }
  if (insn.src === "imm64") return scalar(bv(lddwValue(insn), 64));
  if (insn.src === "func") return { kind: "func", entry: pc + 1 + insn.imm };
  x.check(s, "unsupported", pc, FALSE, `lddw ${insn.src} ${insn.imm} has no binding`);
  return scalar(x.fresh("lddw", pc, 64));
}

function loadInsn(
  x: Exec,
  s: PathState,
  pc: number,
  insn: Extract<Insn, { kind: "load" }>,
): SymValue {
  const v = load(x, s, pc, use(x, s, pc, insn.src), insn.off, insn.size);
  if (!insn.signed || v.kind !== "scalar") return v;
  return scalar(widen(sextLow(v.v, insn.size * 8)));
}

const sextLow = (v: Term, bits: number): Term => sext(64 - bits, low(v, bits));

function atomic(x: Exec, s: PathState, pc: number, insn: Extract<Insn, { kind: "atomic" }>): void {
  const ptr = use(x, s, pc, insn.dst);
  const src = use(x, s, pc, insn.src);
  const at = checkAccess(x, s, pc, ptr, insn.off, bv(BigInt(insn.size), 64), true);
  if (at === undefined) return;
  const bits = insn.size * 8;
  const old = readBytes(at.region, at.off, insn.size);
  const srcLow = low(numeric(x, s, pc, src), bits);
  let next: Term;
  if (insn.op === "cmpxchg") {
    next = ite(eq(low(numeric(x, s, pc, use(x, s, pc, 0)), bits), old), srcLow, old);
    s.regs[0] = scalar(widen(old));
  } else {
    next = atomicTerm(insn.op, old, srcLow);
    if (insn.fetch) s.regs[insn.src] = scalar(widen(old));
  }
  storeValue(x, s, pc, ptr, insn.off, insn.size, scalar(widen(next)), widen(next));
}
