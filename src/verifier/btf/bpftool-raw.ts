// Renders a Btf exactly as `bpftool btf dump file X` (raw format) prints it,
// so tests can diff the reader against bpftool line by line.
import { assertNever } from "../elf/issue.js";
import type { Btf } from "./btf.js";
import type { BtfType } from "./types.js";

const q = (name: string): string => `'${name === "" ? "(anon)" : name}'`;

function intEncoding(t: Extract<BtfType, { kind: "int" }>): string {
  if (t.signed) return "SIGNED";
  if (t.char) return "CHAR";
  if (t.bool) return "BOOL";
  return "(none)";
}

export function bpftoolRaw(btf: Btf): string[] {
  const lines: string[] = [];
  for (const t of btf.types) {
    if (t.kind !== "void")
      lines.push(`[${t.id}] ${t.kind.toUpperCase()} ${q(t.name)} ${body(btf, t, lines)}`.trimEnd());
  }
  return lines.flatMap((l) => l.split("\n"));
}

function body(btf: Btf, t: BtfType, _lines: string[]): string {
  switch (t.kind) {
    case "void":
      return "";
    case "int":
      return `size=${t.size} bits_offset=${t.bitOffset} nr_bits=${t.bits} encoding=${intEncoding(t)}`;
    case "ptr":
    case "typedef":
    case "volatile":
    case "const":
    case "restrict":
    case "type_tag":
      return `type_id=${t.type}`;
    case "array":
      return `type_id=${t.type} index_type_id=${t.indexType} nr_elems=${t.nelems}`;
    case "struct":
    case "union":
      return [
        `size=${t.size} vlen=${t.members.length}`,
        ...t.members.map(
          (m) =>
            `\t${q(m.name)} type_id=${m.type} bits_offset=${m.bitOffset}${m.bitfieldSize ? ` bitfield_size=${m.bitfieldSize}` : ""}`,
        ),
      ].join("\n");
    case "enum":
      return [
        `encoding=${t.signed ? "SIGNED" : "UNSIGNED"} size=${t.size} vlen=${t.values.length}`,
        ...t.values.map((v) => `\t${q(v.name)} val=${v.value}`),
      ].join("\n");
    case "enum64":
      return [
        `encoding=${t.signed ? "SIGNED" : "UNSIGNED"} size=${t.size} vlen=${t.values.length}`,
        ...t.values.map((v) => `\t${q(v.name)} val=${v.value}${t.signed ? "LL" : "ULL"}`),
      ].join("\n");
    case "fwd":
      return `fwd_kind=${t.fwdKind}`;
    case "func":
      return `type_id=${t.type} linkage=${t.linkage}`;
    case "func_proto":
      return [
        `ret_type_id=${t.returnType} vlen=${t.params.length}`,
        ...t.params.map((p) => `\t${q(p.name)} type_id=${p.type}`),
      ].join("\n");
    case "var":
      return `type_id=${t.type}, linkage=${t.linkage}`;
    case "datasec":
      return [
        `size=${t.size} vlen=${t.vars.length}`,
        ...t.vars.map(
          (v) =>
            `\ttype_id=${v.type} offset=${v.offset} size=${v.size} (VAR ${q(btf.types[v.type]?.name ?? "")})`,
        ),
      ].join("\n");
    case "float":
      return `size=${t.size}`;
    case "decl_tag":
      return `type_id=${t.type} component_idx=${t.componentIdx}`;
    default:
      return assertNever(t);
  }
}
