// Which objects have functional specifications, by object name (the file
// name without .bpf.o): self_protect's task hooks and enforce_sock's
// socket_create so far.
import { readObject, type ObjectSpec } from "../object/index.js";
import { enforceSockSpecs } from "./enforce-sock.js";
import { Layout } from "./layout.js";
import { selfProtectSpecs } from "./self-protect.js";
import type { FunctionalSpec } from "./spec.js";

type SpecMaker = (layout: Layout, obj: ObjectSpec) => FunctionalSpec[];

const SPECS: Readonly<Record<string, SpecMaker>> = {
  self_protect: selfProtectSpecs,
  enforce_sock: enforceSockSpecs,
};

/** The specs of an object's programs; none when the object has no specification. */
export function specsFor(object: string, bytes: Buffer, file: string): FunctionalSpec[] {
  const make = SPECS[object];
  if (!make) return [];
  const read = readObject(bytes, file);
  if (read.kind !== "ok") throw new Error(`spec: ${file}: ${read.issues[0]?.message}`);
  return make(Layout.ofObject(bytes, file), read.value);
}
