// Struct layouts and enum values for specifications, read from the object's
// own BTF: the spec then names `task_struct.tgid` and means the offset the
// program was compiled against, never a copied number.
import { findMember, findType, readBtf, sizeOf, type Btf } from "../btf/index.js";
import { findSection, readElf } from "../elf/elf-file.js";

export interface Field {
  /** byte offset from the start of the struct */
  readonly offset: number;
  readonly size: number;
}

export class Layout {
  constructor(private readonly btf: Btf) {}

  /** The object's .BTF; an input error when it has none. */
  static ofObject(bytes: Buffer, file: string): Layout {
    const elf = readElf(bytes);
    if (elf.kind !== "ok") throw new Error(`spec: ${file}: ${elf.issues[0]?.message}`);
    const sec = findSection(elf.value, ".BTF");
    if (!sec) throw new Error(`spec: ${file}: no .BTF section`);
    const btf = readBtf(bytes.subarray(sec.offset, sec.offset + sec.size));
    if (btf.kind !== "ok") throw new Error(`spec: ${file}: btf: ${btf.issues[0]?.message}`);
    return new Layout(btf.value);
  }

  field(struct: string, path: string): Field {
    const type = findType(this.btf, struct, "struct");
    const member = type && findMember(this.btf, type.id, path);
    const size = member && sizeOf(this.btf, member.type);
    if (!member || size === undefined || member.bitfieldSize !== 0 || member.bitOffset % 8 !== 0)
      throw new Error(`spec: no byte-aligned field ${struct}.${path} in the object's BTF`);
    return { offset: member.bitOffset / 8, size };
  }

  enumerator(name: string): bigint {
    for (const t of this.btf.types)
      if (t.kind === "enum" || t.kind === "enum64")
        for (const v of t.values) if (v.name === name) return BigInt(v.value);
    throw new Error(`spec: no enumerator ${name} in the object's BTF`);
  }
}
