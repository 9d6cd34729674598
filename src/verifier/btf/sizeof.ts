// sizeof for BTF types, as C would compute it. Undefined for types without a
// size (void, functions, forward declarations) and for malformed cycles.
import { assertNever } from "../elf/issue.js";
import type { Btf } from "./btf.js";
import type { BtfType } from "./types.js";

const POINTER_SIZE = 8;
const MAX_DEPTH = 64;

export function sizeOf(btf: Btf, id: number): number | undefined {
  return sizeAt(btf, btf.types[id], 0);
}

function sizeAt(btf: Btf, t: BtfType | undefined, depth: number): number | undefined {
  if (t === undefined || depth > MAX_DEPTH) return undefined;
  switch (t.kind) {
    case "int":
    case "float":
    case "struct":
    case "union":
    case "enum":
    case "enum64":
    case "datasec":
      return t.size;
    case "ptr":
      return POINTER_SIZE;
    case "array": {
      const elem = sizeAt(btf, btf.types[t.type], depth + 1);
      return elem === undefined ? undefined : elem * t.nelems;
    }
    case "typedef":
    case "volatile":
    case "const":
    case "restrict":
    case "type_tag":
    case "var":
      return sizeAt(btf, btf.types[t.type], depth + 1);
    case "void":
    case "fwd":
    case "func":
    case "func_proto":
    case "decl_tag":
      return undefined;
    default:
      return assertNever(t);
  }
}
