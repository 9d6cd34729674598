// LSM hook signatures from kernel BTF: the kernel defines an empty
// `bpf_lsm_<hook>` function for every hook, whose prototype is exactly what
// an lsm/<hook> program receives in its context.
import type { Btf } from "./btf.js";
import { formatDecl, formatType } from "./format.js";
import { findType } from "./lookup.js";

export interface HookParam {
  readonly name: string;
  readonly type: number;
  /** C spelling of the type, e.g. "struct file *". */
  readonly typeName: string;
}

export interface LsmHook {
  readonly hook: string;
  readonly funcId: number;
  readonly params: readonly HookParam[];
  readonly returnType: number;
  readonly returnTypeName: string;
  /** e.g. "int bpf_lsm_file_open(struct file *file)". */
  readonly signature: string;
}

export function lsmHook(btf: Btf, hook: string): LsmHook | undefined {
  const func = findType(btf, `bpf_lsm_${hook}`, "func");
  const proto = func === undefined ? undefined : btf.types[func.type];
  if (func === undefined || proto?.kind !== "func_proto") return undefined;
  const params = proto.params.map((p) => ({
    name: p.name,
    type: p.type,
    typeName: formatType(btf, p.type),
  }));
  return {
    hook,
    funcId: func.id,
    params,
    returnType: proto.returnType,
    returnTypeName: formatType(btf, proto.returnType),
    signature: `${formatType(btf, proto.returnType)} ${func.name}(${params.map((p) => formatDecl(btf, p.type, p.name)).join(", ")})`,
  };
}
