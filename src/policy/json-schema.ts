// The JSON Schema editors use to validate and complete policies, generated
// from the zod schema so the two cannot drift (json-schema.test.ts compares
// the committed docs/policy.schema.json with a fresh generation).
import { z } from "zod";
import { RESOURCE_KEYS } from "./schema-resources.js";
import { policySchema, ruleSchema } from "./schema.js";

export const SCHEMA_ID = "https://proofwall.dev/schemas/policy-v1.json";

export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(policySchema, {
    target: "draft-2020-12",
    io: "input",
    override: (ctx) => {
      // zod checks "exactly one resource key" in code; say it in the schema too.
      if (ctx.zodSchema === ruleSchema)
        ctx.jsonSchema.oneOf = RESOURCE_KEYS.map((k) => ({ required: [k] }));
    },
  });
  return { ...schema, $id: SCHEMA_ID, title: "Proofwall policy (proofwall.dev/v1)" };
}

/** The file's text: stable formatting, so a diff shows real schema changes. */
export function policyJsonSchemaText(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}
