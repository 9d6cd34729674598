// Shared by the btf and object tests: the .BTF of a compiled object.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { findSection, readElf, sectionBytes, type ElfFile } from "../elf/elf-file.js";
import { readBtf, type Btf } from "./btf.js";

export const VMLINUX = "/sys/kernel/btf/vmlinux";

export function objectElf(path: string): ElfFile {
  const elf = readElf(readFileSync(path));
  if (elf.kind === "error") assert.fail(elf.issues.map((i) => i.message).join("\n"));
  return elf.value;
}

export function objectBtf(path: string): Btf {
  const elf = objectElf(path);
  const sec = findSection(elf, ".BTF");
  assert.ok(sec, ".BTF section");
  const btf = readBtf(sectionBytes(elf, sec));
  if (btf.kind === "error") assert.fail(btf.issues.map((i) => i.message).join("\n"));
  return btf.value;
}

let vmlinux: Btf | undefined;

export function vmlinuxBtf(): Btf {
  if (vmlinux !== undefined) return vmlinux;
  const btf = readBtf(readFileSync(VMLINUX));
  if (btf.kind === "error") assert.fail(btf.issues.map((i) => i.message).join("\n"));
  vmlinux = btf.value;
  return vmlinux;
}
