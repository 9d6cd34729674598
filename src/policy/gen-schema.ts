// Writes docs/policy.schema.json: `node dist/policy/gen-schema.js`.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { policyJsonSchemaText } from "./json-schema.js";

export const SCHEMA_FILE = fileURLToPath(new URL("../../docs/policy.schema.json", import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, policyJsonSchemaText());
  console.log(`wrote ${SCHEMA_FILE}`);
}
