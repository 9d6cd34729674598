// Raw bytes → semantic instructions. Invalid encodings become DecodeIssues
// (code + pc) and decoding continues with the next slot, so one pass reports
// every problem in a program.
import { decodeAlu } from "./decode-alu.js";
import { badOpcode, fail, ok, requireZero, type SlotResult } from "./decode-fields.js";
import { decodeJump } from "./decode-jump.js";
import { decodeMem } from "./decode-mem.js";
import { LDDW_SRCS, type Insn, type PlacedInsn } from "./insn.js";
import { problem, toIssue, type DecodeIssue, type Problem } from "./issue.js";
import { CLASS, MODE, opClass, opMode, opSize, SIZE_CODE } from "./opcodes.js";
import { decodeRawProgram, SLOT_SIZE, type RawInsn } from "./raw.js";
import { writtenRegs } from "./regs.js";

export interface Decoded {
  readonly insns: readonly PlacedInsn[];
  readonly issues: readonly DecodeIssue[];
}

export const MAX_REG = 10;

export function decodeProgram(bytes: Uint8Array): Decoded {
  return decodeSlots(decodeRawProgram(bytes), bytes.length % SLOT_SIZE !== 0);
}

export function decodeSlots(raws: readonly RawInsn[], trailingBytes = false): Decoded {
  const insns: PlacedInsn[] = [];
  const issues: DecodeIssue[] = [];
  let pc = 0;
  while (pc < raws.length) {
    const raw = raws[pc] as RawInsn;
    const result = isLddw(raw) ? decodeLddw(raw, raws[pc + 1]) : decodeOne(raw);
    if ("problem" in result) {
      issues.push(toIssue(result.problem, pc));
      // A bad lddw still owns its second slot; skipping it avoids a bogus follow-up issue.
      pc += raw.opcode === LDDW_OPCODE ? 2 : 1;
      continue;
    }
    insns.push({ pc, insn: result.insn });
    pc += result.insn.kind === "lddw" ? 2 : 1;
  }
  if (trailingBytes) {
    issues.push(
      toIssue(
        problem("truncated-slot", "program length is not a multiple of 8 bytes"),
        raws.length,
      ),
    );
  }
  return { insns, issues };
}

/** Decodes one instruction (two slots for lddw); `next` is the following slot. */
export function decodeInsn(raw: RawInsn, next?: RawInsn): SlotResult {
  return isLddw(raw) ? decodeLddw(raw, next) : decodeOne(raw);
}

const LDDW_OPCODE = CLASS.LD | MODE.IMM | SIZE_CODE[8];

const isLddw = (raw: RawInsn): boolean =>
  opClass(raw.opcode) === CLASS.LD && opMode(raw.opcode) === MODE.IMM;

function decodeOne(raw: RawInsn): SlotResult {
  if (raw.dst > MAX_REG || raw.src > MAX_REG) return fail(badRegister(raw));
  const result = dispatch(raw);
  return "insn" in result ? checkWrites(result.insn) : result;
}

function dispatch(raw: RawInsn): SlotResult {
  switch (opClass(raw.opcode)) {
    case CLASS.ALU:
    case CLASS.ALU64:
      return decodeAlu(raw);
    case CLASS.JMP:
    case CLASS.JMP32:
      return decodeJump(raw);
    default:
      return decodeMem(raw);
  }
}

function decodeLddw(first: RawInsn, second: RawInsn | undefined): SlotResult {
  if (opSize(first.opcode) !== SIZE_CODE[8]) return badOpcode(first);
  if (second === undefined) return fail(problem("truncated-lddw", "lddw needs a second slot"));
  if (first.dst > MAX_REG) return fail(badRegister(first));
  const p = requireZero(first, "off");
  if (p) return fail(p);
  const src = LDDW_SRCS[first.src];
  if (src === undefined)
    return fail(problem("bad-lddw-src", `lddw src must be 0..6, got ${first.src}`));
  if (second.opcode !== 0 || second.dst !== 0 || second.src !== 0 || second.off !== 0) {
    return fail(problem("bad-lddw-second-slot", "lddw second slot must be zero except imm"));
  }
  return checkWrites({ kind: "lddw", src, dst: first.dst, imm: first.imm, nextImm: second.imm });
}

function checkWrites(insn: Insn): SlotResult {
  if (!writtenRegs(insn).includes(10)) return ok(insn);
  return fail(problem("readonly-register", "r10 is the read-only frame pointer"));
}

function badRegister(raw: RawInsn): Problem {
  return problem("bad-register", `register out of range (dst r${raw.dst}, src r${raw.src})`);
}
