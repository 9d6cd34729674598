// Who a rule is about. Fields inside one subject combine with AND; a subject
// has at most one identity (user, loginUser or group) and at most one
// placement (service or cgroup), so its specificity is a fixed tuple
// (docs/policy.md, "Subject specificity").
import { z } from "zod";
import { absolutePath, principal, report, unitName } from "./schema-fields.js";
import { evenIfInvalid } from "./schema-fields.js";

export const IDENTITY_FIELDS = ["user", "loginUser", "group"] as const;
export const PLACEMENT_FIELDS = ["service", "cgroup"] as const;

export const subjectSchema = z
  .strictObject({
    user: principal.optional().meta({ description: "Real uid of the task (name or number)." }),
    loginUser: principal
      .optional()
      .meta({ description: "Audit login uid: unchanged by sudo, su and setuid programs." }),
    group: principal
      .optional()
      .meta({ description: "Real gid or any supplementary group of the task." }),
    service: unitName
      .optional()
      .meta({ description: "A systemd unit: its cgroup and every cgroup below it." }),
    cgroup: absolutePath
      .optional()
      .meta({ description: "A cgroup v2 directory and every cgroup below it." }),
    executable: absolutePath
      .optional()
      .meta({ description: "The program the task runs, matched by device and inode." }),
  })
  .superRefine((s, ctx) => {
    const present = (names: readonly string[]) =>
      names.filter((n) => (s as Record<string, unknown>)[n] !== undefined);
    if (Object.values(s).every((v) => v === undefined))
      ctx.addIssue({ code: "custom", input: s, params: { pw: "empty-subject" } });
    for (const group of [IDENTITY_FIELDS, PLACEMENT_FIELDS]) {
      const found = present(group);
      if (found.length > 1) report(ctx, "exclusive-fields", s, { fields: found.join(" and ") });
    }
  }, evenIfInvalid);

export type SubjectDoc = z.output<typeof subjectSchema>;
