// The compiled-policy records and the decision event against the BTF of the
// built enforce_file object: every offset, size and enum value, so a change to
// pw_policy.h that the codecs do not follow fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { objectBtf } from "../verifier/btf/test-support.js";
import { findType } from "../verifier/btf/index.js";
import { bpfObjectPath } from "../paths.js";
import {
  CONFIG_LAYOUT,
  CONFIG_SIZE,
  OBJECT_KEY_LAYOUT,
  OBJECT_KEY_SIZE,
  PwClass,
  PwFileOp,
  PwIdentKind,
  PwObjectKind,
  RULE_KEY_LAYOUT,
  RULE_KEY_SIZE,
} from "./policy-records.js";
import {
  DECISION_LAYOUT,
  DECISION_SIZE,
  EnforceHook,
  ENFORCE_HOOK_COUNT,
  Outcome,
  OUTCOME_COUNT,
} from "./decision.js";

const btf = objectBtf(bpfObjectPath("enforce_file"));

function assertStruct(name: string, layout: Record<string, number>, size: number): void {
  const struct = findType(btf, name, "struct");
  assert.ok(struct, `struct ${name} is in the object's BTF`);
  assert.equal(struct.size, size, `sizeof(struct ${name})`);
  const offsets = Object.fromEntries(struct.members.map((m) => [m.name, m.bitOffset / 8]));
  assert.deepEqual(offsets, layout, `field offsets of struct ${name}`);
}

/** Every C enumerator `prefix + NAME` equals the codec's value; extra C members are listed in `extra`. */
function assertEnum(
  name: string,
  values: Record<string, number>,
  prefix: string,
  extra: Record<string, number> = {},
): void {
  const e = findType(btf, name, "enum");
  assert.ok(e, `enum ${name} is in the object's BTF`);
  const fromC = Object.fromEntries(e.values.map((v) => [v.name, v.value]));
  const want = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      prefix + k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(),
      v,
    ]),
  );
  assert.deepEqual(fromC, { ...want, ...extra });
}

test("struct pw_object_key", () =>
  assertStruct("pw_object_key", OBJECT_KEY_LAYOUT, OBJECT_KEY_SIZE));
test("struct pw_rule_key", () => assertStruct("pw_rule_key", RULE_KEY_LAYOUT, RULE_KEY_SIZE));
test("struct pw_config", () => assertStruct("pw_config", CONFIG_LAYOUT, CONFIG_SIZE));
test("struct pw_decision", () => assertStruct("pw_decision", DECISION_LAYOUT, DECISION_SIZE));
test("enum pw_class", () => assertEnum("pw_class", PwClass, "PW_CLASS_"));
test("enum pw_file_op", () => assertEnum("pw_file_op", PwFileOp, "PW_OP_"));
test("enum pw_ident_kind", () => assertEnum("pw_ident_kind", PwIdentKind, "PW_IDENT_"));
test("enum pw_object_kind", () => assertEnum("pw_object_kind", PwObjectKind, "PW_OBJ_"));
test("enum pw_outcome", () =>
  assertEnum("pw_outcome", Outcome, "PW_OUT_", { PW_OUT_COUNT: OUTCOME_COUNT }));
test("enum pw_enforce_hook", () =>
  assertEnum("pw_enforce_hook", EnforceHook, "PW_EH_", { PW_EH_COUNT: ENFORCE_HOOK_COUNT }));
