// readObject: ELF + BTF + BTF.ext into one ObjectSpec.
import { parseBtf, type Btf } from "../btf/btf.js";
import { parseBtfExt, type BtfExt } from "../btf/ext.js";
import { ByteView } from "../elf/byte-view.js";
import { findSection, readElf, sectionBytes, type ElfFile } from "../elf/elf-file.js";
import { InputFailure, fail, ok, type Result } from "../elf/issue.js";
import { isMapSection } from "../elf/relocation-target.js";
import { readDataSections } from "./data-sections.js";
import { readBtfMaps } from "./maps.js";
import { readFunctions } from "./programs.js";
import type { ObjectSpec } from "./spec.js";

export function readObject(bytes: Buffer, fileName: string): Result<ObjectSpec> {
  const elf = readElf(bytes);
  if (elf.kind === "error") return elf;
  try {
    return ok(build(elf.value, fileName));
  } catch (e) {
    if (e instanceof InputFailure) return fail(e.issue);
    throw e;
  }
}

/** The object's .BTF, read with issue offsets relative to the whole file. */
export function objectBtf(elf: ElfFile): Btf | undefined {
  const sec = findSection(elf, ".BTF");
  if (sec === undefined) return undefined;
  return parseBtf(new ByteView(elf.bytes, "read btf").view(sec.offset, sec.size, ".BTF"));
}

/** The object's .BTF.ext (line info and CO-RE relocations), when it has one and .BTF. */
export function objectBtfExt(elf: ElfFile, btf: Btf | undefined): BtfExt | undefined {
  const sec = findSection(elf, ".BTF.ext");
  if (sec === undefined || btf === undefined) return undefined;
  return parseBtfExt(
    new ByteView(elf.bytes, "read btf.ext").view(sec.offset, sec.size, ".BTF.ext"),
    btf,
  );
}

function build(elf: ElfFile, fileName: string): ObjectSpec {
  const btf = objectBtf(elf);
  const data = readDataSections(elf, btf);
  const { programs, subprograms, warnings } = readFunctions({
    elf,
    btf,
    ext: objectBtfExt(elf, btf),
    data,
  });
  const mapSymbols = elf.symbols
    .filter((s) => s.section !== undefined && isMapSection(s.section) && s.type === "object")
    .map((s) => s.name);
  return {
    fileName,
    license: license(elf),
    programs,
    subprograms,
    maps: readBtfMaps(btf, mapSymbols),
    dataSections: data,
    warnings,
  };
}

function license(elf: ElfFile): string {
  const sec = findSection(elf, "license");
  if (sec === undefined) return "";
  const b = sectionBytes(elf, sec);
  const end = b.indexOf(0);
  return b.toString("utf8", 0, end < 0 ? b.length : end);
}
