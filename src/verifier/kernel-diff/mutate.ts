// Mutants of an object for differential testing: one instruction of one
// program changed in place in the ELF (a load/store offset, an immediate, a
// register), so relocations, BTF and maps stay valid and libbpf loads the
// mutant like the original. lddw, calls and jumps are left alone: their
// fields carry relocations or control flow libbpf checks before the kernel.
// So are instructions with a CO-RE relocation: libbpf checks the field it
// patches and refuses a changed one ("relo #N: unexpected insn") before the
// kernel verifier sees the program, which says nothing about either verifier.
import { decodeInsn, decodeRaw, encodeInsn, encodeRaw, type Insn } from "../isa/index.js";
import { findSection, readElf, type ElfFile } from "../elf/elf-file.js";
import { objectBtf, objectBtfExt, readObject } from "../object/index.js";

export interface Mutant {
  readonly name: string;
  readonly program: string;
  readonly bytes: Buffer;
  readonly change: string;
}

/** xorshift32: deterministic, so a disagreement can be reproduced by name. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** FNV-1a of a name: a program's mutants depend on its name alone, not on what else is mutated. */
export function nameSeed(name: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(name, "utf8")) h = Math.imul(h ^ byte, 0x01000193);
  return h >>> 0;
}

const OFFSETS = [-520, -513, -512, -8, -4, -1, 1, 4, 8, 16, 64, 200];
const IMMS = [-5000, -4096, -4095, -1, 0, 1, 2, 7, 64, 4096];

export function mutate(insn: Insn, r: () => number): Insn | undefined {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  switch (insn.kind) {
    case "load":
    case "store":
    case "store-imm":
      return r() < 0.7
        ? { ...insn, off: pick(OFFSETS) }
        : { ...insn, size: pick([1, 2, 4, 8] as const) };
    case "alu":
    case "mov":
      if (insn.src.kind === "imm") return { ...insn, src: { kind: "imm", value: pick(IMMS) } };
      return { ...insn, src: { kind: "reg", reg: Math.floor(r() * 11) } };
    default:
      return undefined;
  }
}

/** Byte offsets, per ELF section, of the instructions a CO-RE relocation patches. */
export function coreRelocated(elf: ElfFile): ReadonlyMap<string, ReadonlySet<number>> {
  const ext = objectBtfExt(elf, objectBtf(elf));
  return new Map(
    (ext?.coreRelos ?? []).map((s) => [s.section, new Set(s.records.map((r) => r.insnOff))]),
  );
}

/**
 * `count` mutants of `bytes`, named `<name>#<n>` and drawn from a generator
 * seeded by `name`, so adding another object to the cases renames nothing.
 */
export function mutants(bytes: Buffer, name: string, count: number): Mutant[] {
  const obj = readObject(bytes, name);
  const elf = readElf(bytes);
  if (obj.kind !== "ok" || elf.kind !== "ok") return [];
  const relocated = coreRelocated(elf.value);
  const r = rng(nameSeed(name));
  const out: Mutant[] = [];
  for (let tries = 0; out.length < count && tries < count * 20; tries++) {
    const prog = obj.value.programs[Math.floor(r() * obj.value.programs.length)];
    const sec = prog && findSection(elf.value, prog.section);
    if (!prog || !sec) continue;
    const slot = Math.floor(r() * prog.insnCount);
    const inSection = (prog.insnOffset + slot) * 8;
    if (relocated.get(prog.section)?.has(inSection)) continue;
    const at = sec.offset + inSection;
    const decoded = decodeInsn(decodeRaw(bytes.subarray(at, at + 8), 0));
    if (!("insn" in decoded) || decoded.insn.kind === "lddw") continue;
    const changed = mutate(decoded.insn, r);
    const encoded = changed && encodeInsn(changed);
    if (!changed || encoded?.length !== 1 || !encoded[0]) continue;
    const copy = Buffer.from(bytes);
    encodeRaw(encoded[0], copy, at);
    if (copy.subarray(at, at + 8).equals(bytes.subarray(at, at + 8))) continue;
    out.push({
      name: `${name}#${out.length}`,
      program: prog.name,
      bytes: copy,
      change: `slot ${slot}: ${JSON.stringify(decoded.insn)} -> ${JSON.stringify(changed)}`,
    });
  }
  return out;
}
