// A C-ish rendering of BTF types: `struct pw_event`, `__u64`,
// `struct file *`, `const char[16]`, `int (*)(void *, int)`. It names types
// rather than expanding them, which is what diagnostics need.
import { assertNever } from "../elf/issue.js";
import type { Btf } from "./btf.js";
import type { BtfType } from "./types.js";

const MAX_DEPTH = 32;

export function formatType(btf: Btf, id: number): string {
  return render(btf, btf.types[id], 0);
}

/** A declaration of `name` with type `id`: `struct file *file`, `int ret`. */
export function formatDecl(btf: Btf, id: number, name: string): string {
  const t = formatType(btf, id);
  if (name === "") return t;
  return t.endsWith("*") ? `${t}${name}` : `${t} ${name}`;
}

function tagged(kw: string, name: string): string {
  return `${kw} ${name === "" ? "(anon)" : name}`;
}

function render(btf: Btf, t: BtfType | undefined, depth: number): string {
  if (t === undefined || depth > MAX_DEPTH) return "?";
  const inner = (id: number): string => render(btf, btf.types[id], depth + 1);
  switch (t.kind) {
    case "void":
      return "void";
    case "int":
    case "float":
    case "typedef":
      return t.name;
    case "struct":
    case "union":
    case "enum":
      return tagged(t.kind, t.name);
    case "enum64":
      return tagged("enum", t.name);
    case "fwd":
      return tagged(t.fwdKind, t.name);
    case "ptr":
      return pointerTo(btf, t.type, depth);
    case "array":
      return `${inner(t.type)}[${t.nelems}]`;
    case "const":
    case "volatile":
    case "restrict":
      return qualify(btf, t.kind, t.type, depth);
    case "type_tag":
      return `${inner(t.type)} __attribute__((btf_type_tag("${t.name}")))`;
    case "func_proto":
      return `${inner(t.returnType)} (${params(
        btf,
        t.params.map((p) => ({ ...p, name: "" })),
        depth,
      )})`;
    case "func": {
      const proto = btf.types[t.type];
      if (proto?.kind !== "func_proto") return `? ${t.name}()`;
      return `${formatDeclAt(btf, proto.returnType, t.name, depth)}(${params(btf, proto.params, depth)})`;
    }
    case "var":
      return formatDeclAt(btf, t.type, t.name, depth);
    case "datasec":
      return `SEC("${t.name}")`;
    case "decl_tag":
      return `__attribute__((btf_decl_tag("${t.name}")))`;
    default:
      return assertNever(t);
  }
}

function formatDeclAt(btf: Btf, id: number, name: string, depth: number): string {
  const t = render(btf, btf.types[id], depth + 1);
  return t.endsWith("*") ? `${t}${name}` : `${t} ${name}`;
}

function params(btf: Btf, ps: readonly { name: string; type: number }[], depth: number): string {
  if (ps.length === 0) return "void";
  return ps
    .map((p) =>
      p.type === 0 && p.name === "" ? "..." : formatDeclAt(btf, p.type, p.name, depth).trimEnd(),
    )
    .join(", ");
}

function pointerTo(btf: Btf, id: number, depth: number): string {
  const target = btf.types[id];
  if (target?.kind === "func_proto") {
    return `${render(btf, btf.types[target.returnType], depth + 1)} (*)(${params(
      btf,
      target.params.map((p) => ({ ...p, name: "" })),
      depth,
    )})`;
  }
  const s = render(btf, target, depth + 1);
  return s.endsWith("*") ? `${s}*` : `${s} *`;
}

/** `const char`, but `char * const` when the qualifier applies to a pointer. */
function qualify(btf: Btf, q: string, id: number, depth: number): string {
  const s = render(btf, btf.types[id], depth + 1);
  return s.endsWith("*") ? `${s} ${q}` : `${q} ${s}`;
}
