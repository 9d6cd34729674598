// The compiled-policy records and the decision event against the BTF of the
// built enforce_* objects: every offset, size and enum value, so a change to
// pw_policy.h that the codecs do not follow fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { objectBtf } from "../verifier/btf/test-support.js";
import { findType } from "../verifier/btf/index.js";
import { bpfObjectPath } from "../paths.js";
import {
  CONFIG_LAYOUT,
  CONFIG_SIZE,
  NET_KEY_LAYOUT,
  NET_KEY_SIZE,
  NET_PORT_LAYOUT,
  NET_PORT_SIZE,
  NET_VALUE_LAYOUT,
  NET_VALUE_SIZE,
  PwNetProto,
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

import { ENFORCE_OBJECTS } from "../enforce/engine.js";

type Btf = ReturnType<typeof objectBtf>;

function assertStruct(btf: Btf, name: string, layout: Record<string, number>, size: number): void {
  const struct = findType(btf, name, "struct");
  assert.ok(struct, `struct ${name} is in the object's BTF`);
  assert.equal(struct.size, size, `sizeof(struct ${name})`);
  const offsets = Object.fromEntries(struct.members.map((m) => [m.name, m.bitOffset / 8]));
  assert.deepEqual(offsets, layout, `field offsets of struct ${name}`);
}

/** Every C enumerator `prefix + NAME` equals the codec's value; extra C members are listed in `extra`. */
function assertEnum(
  btf: Btf,
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

for (const object of ENFORCE_OBJECTS) {
  const btf = objectBtf(bpfObjectPath(object));
  const t = (name: string, fn: () => void) => test(`${object}: ${name}`, fn);
  t("struct pw_object_key", () =>
    assertStruct(btf, "pw_object_key", OBJECT_KEY_LAYOUT, OBJECT_KEY_SIZE),
  );
  t("struct pw_rule_key", () => assertStruct(btf, "pw_rule_key", RULE_KEY_LAYOUT, RULE_KEY_SIZE));
  t("struct pw_config", () => assertStruct(btf, "pw_config", CONFIG_LAYOUT, CONFIG_SIZE));
  t("struct pw_net_key", () => assertStruct(btf, "pw_net_key", NET_KEY_LAYOUT, NET_KEY_SIZE));
  t("struct pw_net_port", () => assertStruct(btf, "pw_net_port", NET_PORT_LAYOUT, NET_PORT_SIZE));
  t("struct pw_net_value", () =>
    assertStruct(btf, "pw_net_value", NET_VALUE_LAYOUT, NET_VALUE_SIZE),
  );
  t("struct pw_decision", () => assertStruct(btf, "pw_decision", DECISION_LAYOUT, DECISION_SIZE));
  t("enum pw_class", () => assertEnum(btf, "pw_class", PwClass, "PW_CLASS_"));
  t("enum pw_file_op", () => assertEnum(btf, "pw_file_op", PwFileOp, "PW_OP_"));
  t("enum pw_ident_kind", () => assertEnum(btf, "pw_ident_kind", PwIdentKind, "PW_IDENT_"));
  t("enum pw_object_kind", () => assertEnum(btf, "pw_object_kind", PwObjectKind, "PW_OBJ_"));
  t("enum pw_net_proto", () => assertEnum(btf, "pw_net_proto", PwNetProto, "PW_PROTO_"));
  t("enum pw_outcome", () =>
    assertEnum(btf, "pw_outcome", Outcome, "PW_OUT_", { PW_OUT_COUNT: OUTCOME_COUNT }),
  );
  t("enum pw_enforce_hook", () =>
    assertEnum(btf, "pw_enforce_hook", EnforceHook, "PW_EH_", {
      PW_EH_COUNT: ENFORCE_HOOK_COUNT,
    }),
  );
}
