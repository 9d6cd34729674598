// How big the context of a program is, from BTF rather than a constant. An
// LSM program's context is the hook's arguments followed by `ret` (the
// previous program's verdict), one 8-byte slot each; the hook's arguments
// are those of the kernel's `bpf_lsm_<hook>` prototype. The object's own BTF
// only has the BPF_PROG wrapper `int f(unsigned long long *ctx)`, so the
// kernel's BTF is required. A socket filter sees `struct __sk_buff`.
import type { Btf } from "../btf/index.js";
import { findType, lsmHook, sizeOf } from "../btf/index.js";
import type { ProgramSpec } from "../object/index.js";

export type ContextInfo =
  | {
      readonly kind: "ok";
      readonly lsm: boolean;
      readonly ctxSize: number;
      /** where the context size came from, e.g. the hook's signature */
      readonly source: string;
    }
  | { readonly kind: "error"; readonly message: string };

export function programContextInfo(prog: ProgramSpec, kernel: Btf | undefined): ContextInfo {
  switch (prog.progType) {
    case "BPF_PROG_TYPE_LSM":
      return lsmContext(prog, kernel);
    case "BPF_PROG_TYPE_SOCKET_FILTER":
    case "BPF_PROG_TYPE_SCHED_CLS":
    case "BPF_PROG_TYPE_SCHED_ACT":
    case "BPF_PROG_TYPE_CGROUP_SKB":
      return structContext(kernel, "__sk_buff");
    default:
      return {
        kind: "ok",
        lsm: false,
        ctxSize: 0,
        source: `${prog.progType}: context not modelled`,
      };
  }
}

function lsmContext(prog: ProgramSpec, kernel: Btf | undefined): ContextInfo {
  const hook = prog.attachTarget;
  if (hook === undefined)
    return { kind: "error", message: `verify ${prog.name}: lsm program without a hook name` };
  if (kernel === undefined)
    return {
      kind: "error",
      message: `verify ${prog.name}: the kernel's BTF is needed for the signature of lsm/${hook}`,
    };
  const sig = lsmHook(kernel, hook);
  if (sig === undefined)
    return { kind: "error", message: `verify ${prog.name}: the kernel has no LSM hook ${hook}` };
  return {
    kind: "ok",
    lsm: true,
    ctxSize: 8 * (sig.params.length + 1),
    source: `${sig.signature} + int ret`,
  };
}

function structContext(kernel: Btf | undefined, name: string): ContextInfo {
  const t = kernel === undefined ? undefined : findType(kernel, name, "struct");
  const size = t === undefined || kernel === undefined ? undefined : sizeOf(kernel, t.id);
  if (size === undefined)
    return { kind: "error", message: `verify: no struct ${name} in the kernel's BTF` };
  return { kind: "ok", lsm: false, ctxSize: size, source: `struct ${name}` };
}
