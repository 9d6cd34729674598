// The ELF64 header: only little-endian relocatable objects for EM_BPF are
// accepted, which is what `clang -target bpf -c` produces.
import type { ByteView } from "./byte-view.js";
import { failInput } from "./issue.js";

export const EM_BPF = 247;
export const ET_REL = 1;
const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const EV_CURRENT = 1;
export const ELF64_EHDR_SIZE = 64;
export const ELF64_SHDR_SIZE = 64;

export interface ElfHeader {
  readonly type: number;
  readonly machine: number;
  readonly flags: number;
  readonly shoff: number;
  readonly shentsize: number;
  readonly shnum: number;
  readonly shstrndx: number;
}

/**
 * `bpf-object`: a relocatable eBPF object, the verifier's input. `any`: any
 * little-endian ELF64 file, read for its sections only (a kernel's vmlinux,
 * for its .BTF).
 */
export type ElfKind = "bpf-object" | "any";

export function readHeader(v: ByteView, kind: ElfKind = "bpf-object"): ElfHeader {
  v.need(0, 16, "e_ident");
  ELF_MAGIC.forEach((b, i) => {
    if (v.u8(i, "e_ident[EI_MAG]") !== b)
      failInput(v.step, "bad-magic", "e_ident[EI_MAG]", i, "not an elf file (bad magic)");
  });
  expect(v, 4, "e_ident[EI_CLASS]", ELFCLASS64, "bad-class", "want ELFCLASS64 (2)");
  expect(
    v,
    5,
    "e_ident[EI_DATA]",
    ELFDATA2LSB,
    "bad-endianness",
    "want ELFDATA2LSB (1, little-endian)",
  );
  expect(v, 6, "e_ident[EI_VERSION]", EV_CURRENT, "bad-version", "want EV_CURRENT (1)");
  v.need(0, ELF64_EHDR_SIZE, "e_header");
  const type = v.u16(16, "e_type");
  if (kind === "bpf-object" && type !== ET_REL)
    failInput(v.step, "bad-file-type", "e_type", 16, `e_type is ${type}, want ET_REL (1)`);
  const machine = v.u16(18, "e_machine");
  if (kind === "bpf-object" && machine !== EM_BPF)
    failInput(
      v.step,
      "bad-machine",
      "e_machine",
      18,
      `e_machine is ${machine}, want ${EM_BPF} (EM_BPF)`,
    );
  const shentsize = v.u16(58, "e_shentsize");
  if (shentsize !== ELF64_SHDR_SIZE)
    failInput(
      v.step,
      "bad-entry-size",
      "e_shentsize",
      58,
      `e_shentsize is ${shentsize}, want ${ELF64_SHDR_SIZE}`,
    );
  return {
    type,
    machine,
    flags: v.u32(48, "e_flags"),
    shoff: v.u64(40, "e_shoff"),
    shentsize,
    shnum: v.u16(60, "e_shnum"),
    shstrndx: v.u16(62, "e_shstrndx"),
  };
}

function expect(
  v: ByteView,
  off: number,
  field: string,
  want: number,
  code: "bad-class" | "bad-endianness" | "bad-version",
  detail: string,
): void {
  const got = v.u8(off, field);
  if (got !== want) failInput(v.step, code, field, off, `${field} is ${got}, ${detail}`);
}
