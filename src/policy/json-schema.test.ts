import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { policyJsonSchema } from "./json-schema.js";
import { SCHEMA_FILE } from "./gen-schema.js";

test("docs/policy.schema.json is the schema generated from the zod schema", () => {
  const committed: unknown = JSON.parse(readFileSync(SCHEMA_FILE, "utf8"));
  // Compared as data, so formatting (prettier) does not matter.
  assert.deepEqual(committed, policyJsonSchema(), "run: node dist/policy/gen-schema.js");
});

test("the schema is strict and says a rule has exactly one resource", () => {
  const s = policyJsonSchema() as {
    additionalProperties?: boolean;
    properties: { spec: { properties: { rules: { items: Record<string, unknown> } } } };
  };
  assert.equal(s.additionalProperties, false);
  const rule = s.properties.spec.properties.rules.items;
  assert.equal(rule.additionalProperties, false);
  assert.equal((rule.oneOf as unknown[]).length, 9);
  assert.deepEqual(rule.required, ["id", "action"]);
});
