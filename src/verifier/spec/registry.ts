// Which objects have functional specifications, by object name (the file
// name without .bpf.o): self_protect's task hooks, enforce_sock's hooks and
// enforce_proc's item hooks so far.
import { readObject, type ObjectSpec } from "../object/index.js";
import { enforceProcSpecs } from "./enforce-proc.js";
import { enforceSockSpecs } from "./enforce-sock.js";
import { Layout } from "./layout.js";
import { selfProtectSpecs } from "./self-protect.js";
import type { FunctionalSpec } from "./spec.js";

type SpecMaker = (layout: Layout, obj: ObjectSpec) => FunctionalSpec[];

const SPECS: Readonly<Record<string, SpecMaker>> = {
  self_protect: selfProtectSpecs,
  enforce_sock: enforceSockSpecs,
  enforce_proc: enforceProcSpecs,
};

/** The specs of an object's programs; none when the object has no specification. */
export function specsFor(object: string, bytes: Buffer, file: string): FunctionalSpec[] {
  const make = SPECS[object];
  if (!make) return [];
  const read = readObject(bytes, file);
  if (read.kind !== "ok") throw new Error(`spec: ${file}: ${read.issues[0]?.message}`);
  return make(Layout.ofObject(bytes, file), read.value);
}
