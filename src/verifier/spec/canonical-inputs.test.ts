import { test } from "node:test";
import assert from "node:assert/strict";
import { add, bvVar, eq, variable, BOOL } from "../vc/index.js";
import { CanonicalInputs } from "./canonical-inputs.js";

test("a fresh input loses its exploration counter; named inputs keep their names", () => {
  const first = new CanonicalInputs().rename(add(bvVar("ktime@70#12", 64), bvVar("ctx-x", 64)));
  const second = new CanonicalInputs().rename(add(bvVar("ktime@70#40", 64), bvVar("ctx-x", 64)));
  assert.equal(first, second);
  assert.equal(first, add(bvVar("ktime@70", 64), bvVar("ctx-x", 64)));
  const full = variable("ringbuf-full:pw_tamper_evts#0", BOOL);
  assert.equal(new CanonicalInputs().rename(full), full);
});

test("two fresh inputs of one path that would share a name are an error", () => {
  const names = new CanonicalInputs();
  names.rename(bvVar("out[0]@89#3", 8));
  assert.doesNotThrow(() => names.rename(bvVar("out[1]@89#4", 8)));
  assert.throws(
    () => names.rename(eq(bvVar("uninit@5#1", 64), bvVar("uninit@5#2", 64))),
    /would share the name uninit@5/,
  );
});
