// The obligations of every program of a compiled object, as both proof routes
// (direct SMT and Why3) consume them. The context size is the one input the
// object does not carry: an LSM program receives the hook's arguments plus
// the prior verdict, one 8-byte slot each, taken from the kernel's BTF
// prototype of bpf_lsm_<hook>; other program types receive a kernel struct
// whose size is read from the same BTF.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { findType, kernelBtf, kernelBtfSource, lsmHook, sizeOf, type Btf } from "../btf/index.js";
import { buildCfg, linkProgram } from "../cfg/index.js";
import { readObject, type ProgramSpec } from "../object/index.js";
import { explore, objectContext, type Obligation } from "../vc/index.js";
import { functionalProblem, specsFor } from "../spec/index.js";

export interface ProgramObligations {
  /** object file name without `.bpf.o`, e.g. "file_guard" */
  readonly object: string;
  readonly program: string;
  readonly obligations: readonly Obligation[];
  readonly paths: number;
  readonly truncated: boolean;
}

/** The kernel struct an r1 context points to, per program type (non-LSM). */
const CTX_STRUCT: Readonly<Record<string, string>> = {
  BPF_PROG_TYPE_SOCKET_FILTER: "__sk_buff",
  BPF_PROG_TYPE_CGROUP_SKB: "__sk_buff",
  BPF_PROG_TYPE_CGROUP_SOCK: "bpf_sock",
  BPF_PROG_TYPE_CGROUP_SOCK_ADDR: "bpf_sock_addr",
};

function loadKernelBtf(): Btf {
  const btf = kernelBtf();
  if (btf === undefined)
    throw new Error(`obligations: no kernel BTF at ${kernelBtfSource()} (give --kernel-btf)`);
  return btf;
}

export function contextSize(prog: ProgramSpec, btf: Btf = loadKernelBtf()): number {
  if (prog.progType === "BPF_PROG_TYPE_LSM") {
    const hook = lsmHook(btf, prog.attachTarget ?? "");
    if (!hook) throw new Error(`obligations: no kernel hook bpf_lsm_${prog.attachTarget}`);
    return (hook.params.length + 1) * 8;
  }
  const struct = CTX_STRUCT[prog.progType];
  const type = struct === undefined ? undefined : findType(btf, struct, "struct");
  const size = type === undefined ? undefined : sizeOf(btf, type.id);
  if (size === undefined) throw new Error(`obligations: no context size for ${prog.progType}`);
  return size;
}

/** Reads an object and explores each of its programs (maxPaths caps each exploration). */
export function objectObligations(path: string, maxPaths?: number): ProgramObligations[] {
  const object = basename(path).replace(/\.bpf\.o$|\.o$/, "");
  const read = readObject(readFileSync(path), basename(path));
  if (read.kind !== "ok") throw new Error(`obligations: ${path}: ${read.issues[0]?.message}`);
  return read.value.programs.map((prog) => {
    const linked = linkProgram(read.value, prog);
    const limits = maxPaths === undefined ? {} : { maxPaths };
    const context = objectContext(read.value, prog, linked, {
      ctxSize: contextSize(prog),
      ...limits,
    });
    const ex = explore(buildCfg(linked.insns), context);
    return { object, program: prog.name, ...ex };
  });
}

/** Suffix of the pseudo-program that carries a program's functional obligations. */
export const SPEC_SUFFIX = "_spec";

/**
 * The functional obligations of every specified program of an object (spec/),
 * one pseudo-program `<program>_spec` each, so both routes run them like any
 * other program's obligations; empty when the object has no specification.
 */
export function objectSpecObligations(path: string, maxPaths?: number): ProgramObligations[] {
  const object = basename(path).replace(/\.bpf\.o$|\.o$/, "");
  const bytes = readFileSync(path);
  const read = readObject(bytes, basename(path));
  if (read.kind !== "ok") throw new Error(`obligations: ${path}: ${read.issues[0]?.message}`);
  return specsFor(object, bytes, path).map((spec) => {
    const prog = read.value.programs.find((p) => p.name === spec.program);
    if (!prog)
      throw new Error(`obligations: ${path}: no program ${spec.program} to check its spec`);
    const p = functionalProblem(read.value, spec, contextSize(prog), maxPaths);
    const { paths, truncated } = p;
    return {
      object,
      program: `${spec.program}${SPEC_SUFFIX}`,
      obligations: p.functional,
      paths,
      truncated,
    };
  });
}
