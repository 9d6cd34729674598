// The type ids a BTF type refers to, so a reader can reject dangling
// references once instead of every lookup having to guard against them.
import { assertNever } from "../elf/issue.js";
import type { BtfType } from "./types.js";

/** Calls `f` for each referenced id without allocating (this runs over all of vmlinux). */
export function forEachReference(t: BtfType, f: (id: number) => void): void {
  switch (t.kind) {
    case "void":
    case "int":
    case "enum":
    case "enum64":
    case "fwd":
    case "float":
      return;
    case "ptr":
    case "typedef":
    case "volatile":
    case "const":
    case "restrict":
    case "type_tag":
    case "func":
    case "var":
    case "decl_tag":
      return f(t.type);
    case "array":
      f(t.type);
      return f(t.indexType);
    case "struct":
    case "union":
      for (const m of t.members) f(m.type);
      return;
    case "func_proto":
      f(t.returnType);
      for (const p of t.params) f(p.type);
      return;
    case "datasec":
      for (const v of t.vars) f(v.type);
      return;
    default:
      return assertNever(t);
  }
}

export function referencedIds(t: BtfType): number[] {
  const out: number[] = [];
  forEachReference(t, (id) => out.push(id));
  return out;
}
