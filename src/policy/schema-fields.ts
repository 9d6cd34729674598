// Leaf schemas shared by subjects and resources. Custom checks report through
// `params.pw`, the Proofwall issue code, so zod-issues.ts can keep it.
import { z } from "zod";
import { parseCidr } from "./cidr.js";
import { parsePortEntry } from "./ports.js";
import { capabilityNumber } from "./capabilities.js";
import type { IssueCode } from "./issue.js";

type Ctx = z.core.$RefinementCtx<unknown>;

export function report(
  ctx: Ctx,
  pw: IssueCode,
  input: unknown,
  extra: Record<string, string> = {},
) {
  ctx.addIssue({ code: "custom", input, params: { pw, received: String(input), ...extra } });
}

export function pathProblem(p: string): string | null {
  if (!p.startsWith("/")) return "must be absolute";
  if (p.includes("\0")) return "contains a NUL byte";
  if (/\/\/./.test(p) || p.endsWith("//")) return "contains an empty segment '//'";
  const segments = p.split("/");
  if (segments.some((s) => s === "." || s === "..")) return "contains '.' or '..'";
  return null;
}

export const absolutePath = z
  .string()
  .superRefine((p, ctx) => {
    const why = pathProblem(p);
    if (why !== null) report(ctx, "invalid-path", p, { why });
  })
  .meta({ description: "An absolute path without '.', '..' or '//'." });

const UID_MAX = 4294967294; // (uid_t)-1 means "unset"

export const principal = z
  .union([z.string().min(1), z.int().min(0).max(UID_MAX)])
  .meta({ description: "A name from the user/group database, or a numeric id." });

export const unitName = z
  .string()
  .regex(/^[A-Za-z0-9:_.\\@-]+$/)
  .meta({ description: "A systemd unit; '.service' is assumed when no suffix is given." });

export const cidr = z
  .string()
  .superRefine((c, ctx) => {
    const r = parseCidr(c);
    if (r.kind === "error") report(ctx, "invalid-cidr", c, { why: r.why });
  })
  .meta({ description: "An IPv4/IPv6 address or CIDR block, e.g. 10.0.0.0/8 or 2001:db8::/32." });

export const portEntry = z
  .union([z.int(), z.string()])
  .superRefine((p, ctx) => {
    if (parsePortEntry(p) === null) report(ctx, "invalid-port", p);
  })
  .meta({ description: "A port 1-65535 or a range 'lo-hi'." });

export const capability = z
  .string()
  .superRefine((c, ctx) => {
    if (capabilityNumber(c) === null) report(ctx, "unknown-capability", c);
  })
  .meta({ description: "A Linux capability name, e.g. CAP_NET_RAW." });

/** A non-empty list; the minimum is what makes "empty-list" an issue. */
export function list<T extends z.ZodType>(item: T) {
  return z.array(item).min(1);
}

/**
 * Run a whole-object check even when a field inside already failed, so one
 * pass reports every problem. The check must then read its input defensively.
 */
export const evenIfInvalid = {
  when: (p: { value: unknown }) => typeof p.value === "object" && p.value !== null,
};
