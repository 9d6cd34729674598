// Reads raw BTF: the .BTF section of an object, or a /sys/kernel/btf/vmlinux
// style file (the same format without an ELF wrapper).
import { ByteView } from "../elf/byte-view.js";
import { catchInput, failInput, type Result } from "../elf/issue.js";
import { StringTable } from "../elf/string-table.js";
import { decodeTypes } from "./decode-types.js";
import { readBtfHeader, type BtfHeader } from "./header.js";
import { forEachReference } from "./refs.js";
import type { BtfType } from "./types.js";

export interface Btf {
  readonly header: BtfHeader;
  /** Indexed by type id; types[0] is void. */
  readonly types: readonly BtfType[];
  readonly strings: StringTable;
}

const VOID: BtfType = { kind: "void", id: 0, name: "" };

export function readBtf(bytes: Buffer): Result<Btf> {
  return catchInput(() => parseBtf(new ByteView(bytes, "read btf")));
}

/** For callers already inside a catchInput (the object reader). */
export function parseBtf(v: ByteView): Btf {
  const header = readBtfHeader(v);
  const strings = new StringTable(v.view(header.hdrLen + header.strOff, header.strLen, "strings"));
  if (header.strLen > 0 && strings.tryGet(0) !== "") {
    failInput(
      v.step,
      "bad-string",
      "strings[0]",
      v.base + header.hdrLen + header.strOff,
      "the string section must start with an empty string",
    );
  }
  const typeView = v.view(header.hdrLen + header.typeOff, header.typeLen, "types");
  const types: BtfType[] = [VOID];
  decodeTypes(typeView, strings, types);
  checkReferences(v, types);
  return { header, types, strings };
}

function checkReferences(v: ByteView, types: readonly BtfType[]): void {
  for (const t of types) {
    forEachReference(t, (ref) => {
      if (ref >= types.length) {
        failInput(
          v.step,
          "bad-index",
          `types[${t.id}]`,
          v.base,
          `${t.kind} ${t.id} refers to type ${ref} but only ${types.length} types exist`,
        );
      }
    });
  }
}
