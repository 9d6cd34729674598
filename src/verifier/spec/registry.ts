// Which objects have functional specifications, by object name (the file
// name without .bpf.o). Only self_protect's task hooks are specified so far.
import { Layout } from "./layout.js";
import { selfProtectSpecs } from "./self-protect.js";
import type { FunctionalSpec } from "./spec.js";

const SPECS: Readonly<Record<string, (layout: Layout) => FunctionalSpec[]>> = {
  self_protect: selfProtectSpecs,
};

/** The specs of an object's programs; none when the object has no specification. */
export function specsFor(object: string, bytes: Buffer, file: string): FunctionalSpec[] {
  const make = SPECS[object];
  return make ? make(Layout.ofObject(bytes, file)) : [];
}
