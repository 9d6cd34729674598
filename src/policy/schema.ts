// The policy document (apiVersion proofwall.dev/v1). Every object is strict:
// an unknown field is an error, so a typo cannot silently widen a policy.
import { z } from "zod";
import { evenIfInvalid, list } from "./schema-fields.js";
import { subjectSchema } from "./schema-subject.js";
import {
  RESOURCE_KEYS,
  capabilitiesSchema,
  execSchema,
  filesSchema,
  networkSchema,
  ptraceSchema,
  socketsSchema,
  unixSchema,
} from "./schema-resources.js";
import { selfProtectionSchema } from "./schema-self-protection.js";

export const API_VERSION = "proofwall.dev/v1";

const posture = z.enum(["allow", "deny"]);

const defaultsSchema = z
  .strictObject(Object.fromEntries(RESOURCE_KEYS.map((k) => [k, posture.optional()])))
  .meta({ description: "Posture per resource class when no rule matches; omitted means allow." });

export const ruleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/)
      .meta({ description: "Unique within the policy; reported with every decision." }),
    description: z.string().optional(),
    action: z.enum(["allow", "deny", "audit"]),
    subjects: list(subjectSchema)
      .optional()
      .meta({ description: "Any of these (OR); omitted means everyone." }),
    files: filesSchema.optional(),
    network: networkSchema.optional().meta({ description: "Egress: connect and sendmsg." }),
    sockets: socketsSchema.optional(),
    unix: unixSchema.optional(),
    capabilities: capabilitiesSchema.optional(),
    exec: execSchema.optional(),
    ptrace: ptraceSchema.optional(),
    mount: z.literal(true).optional(),
    moduleLoad: z.literal(true).optional(),
  })
  .superRefine((r, ctx) => {
    const found = RESOURCE_KEYS.filter((k) => (r as Record<string, unknown>)[k] !== undefined);
    if (found.length === 0)
      ctx.addIssue({
        code: "custom",
        input: r,
        params: { pw: "no-resource", expected: RESOURCE_KEYS.join(", ") },
      });
    if (found.length > 1)
      ctx.addIssue({
        code: "custom",
        input: r,
        params: { pw: "many-resources", found: found.join(" and ") },
      });
  }, evenIfInvalid);

const rulesSchema = z.array(ruleSchema).superRefine(
  (rules: unknown[], ctx) => {
    const first = new Map<string, number>();
    rules.forEach((r, i) => {
      const id = (r as { id?: unknown } | null)?.id;
      if (typeof id !== "string") return;
      const seen = first.get(id);
      if (seen === undefined) first.set(id, i);
      else
        ctx.addIssue({
          code: "custom",
          input: id,
          path: [i, "id"],
          params: { pw: "duplicate-rule-id", id, firstIndex: String(seen) },
        });
    });
  },
  { when: (p) => Array.isArray(p.value) },
);

export const policySchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal("Policy"),
  metadata: z.strictObject({
    name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/),
    description: z.string().optional(),
  }),
  spec: z.strictObject({
    mode: z
      .enum(["enforce", "audit"])
      .meta({ description: "audit reports would-deny, never denies." }),
    defaults: defaultsSchema.optional(),
    rules: rulesSchema,
    selfProtection: selfProtectionSchema.optional(),
  }),
});

export type PolicyDoc = z.output<typeof policySchema>;
export type RuleDoc = z.output<typeof ruleSchema>;
