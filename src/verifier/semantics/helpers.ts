// Helpers and kfuncs are supplied by the caller as tables, so the interpreter
// stays platform-neutral (prevail keeps them behind one platform table too).
import type { Memory } from "./memory.js";

export type HelperResult =
  | { readonly kind: "return"; readonly value: bigint }
  /** ends the whole program with this r0 (e.g. bpf_conformance's unwind helper) */
  | { readonly kind: "stop"; readonly value: bigint }
  | { readonly kind: "fault"; readonly message: string };

export interface HelperEnv {
  readonly memory: Memory;
}

/** args are r1..r5. */
export type Helper = (args: readonly bigint[], env: HelperEnv) => HelperResult;

export type HelperTable = ReadonlyMap<number, Helper>;
