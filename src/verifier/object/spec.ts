// ObjectSpec: everything the verifier needs from one eBPF object, as plain,
// deterministic data with no kernel dependency (cilium/ebpf's Spec split).
import type { Issue } from "../elf/issue.js";

export type ProgramRelocTarget =
  | { readonly kind: "map"; readonly map: string }
  /** `variable` is the global covering `offset` in `section`, when one does. */
  | {
      readonly kind: "global";
      readonly section: string;
      readonly variable: string | undefined;
      readonly offset: number;
    }
  /** `insnIndex` is relative to the start of .text. */
  | {
      readonly kind: "subprogram";
      readonly function: string | undefined;
      readonly insnIndex: number;
    }
  | { readonly kind: "kconfig"; readonly name: string }
  | { readonly kind: "ksym"; readonly name: string }
  | { readonly kind: "extern"; readonly name: string }
  | { readonly kind: "other"; readonly section: string | undefined; readonly symbol: string };

export interface ProgramReloc {
  /** Instruction index relative to the start of the program. */
  readonly insnIndex: number;
  readonly type: string;
  readonly symbol: string;
  readonly target: ProgramRelocTarget;
}

/** A .BTF.ext line_info record, re-based to the function's own instruction indexes. */
export interface SourceLine {
  readonly insnIndex: number;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

export interface FunctionSpec {
  readonly name: string;
  readonly section: string;
  /** Instruction index of the first instruction, relative to the section. */
  readonly insnOffset: number;
  readonly insnCount: number;
  readonly instructions: Buffer;
  readonly relocations: readonly ProgramReloc[];
  /** Where each run of instructions came from; empty without .BTF.ext. */
  readonly lines: readonly SourceLine[];
  /** BTF FUNC type id, when the object has BTF for it. */
  readonly btfFuncId: number | undefined;
}

export interface ProgramSpec extends FunctionSpec {
  readonly progType: string;
  readonly attachType: string | undefined;
  /** e.g. the LSM hook "file_open" for SEC("lsm/file_open"). */
  readonly attachTarget: string | undefined;
  readonly sleepable: boolean;
}

export interface MapSpec {
  readonly name: string;
  readonly type: number;
  readonly typeName: string;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly pinning: number;
  readonly numaNode: number;
  readonly mapExtra: number;
  readonly keyTypeId: number | undefined;
  readonly valueTypeId: number | undefined;
}

export interface GlobalVariable {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly btfTypeId: number | undefined;
}

export interface DataSection {
  readonly name: string;
  readonly size: number;
  readonly readonly: boolean;
  /** Initial contents; empty for .bss (which is all zero). */
  readonly bytes: Buffer;
  readonly variables: readonly GlobalVariable[];
}

export interface ObjectSpec {
  readonly fileName: string;
  readonly license: string;
  readonly programs: readonly ProgramSpec[];
  readonly subprograms: readonly FunctionSpec[];
  readonly maps: readonly MapSpec[];
  readonly dataSections: readonly DataSection[];
  /** Problems that do not stop reading (e.g. a static function in a program section). */
  readonly warnings: readonly Issue[];
}
