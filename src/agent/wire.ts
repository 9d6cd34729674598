// JSON on the control socket. Requests are validated with zod (the socket is
// root-only, but a client bug must still get an answer, not a crash); bigints
// travel as decimal strings.
import { z } from "zod";
import { PROTOCOLS } from "../policy/schema-resources.js";

export const DEFAULT_CONTROL_SOCKET = "/run/proofwall/control.sock";

const explainQuery = z.strictObject({
  user: z.string().optional(),
  loginUser: z.string().optional(),
  exe: z.string().optional(),
  cgroup: z.string().optional(),
  service: z.string().optional(),
  resource: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("open"), path: z.string(), write: z.boolean() }),
    z.strictObject({
      kind: z.literal("file-op"),
      operation: z.enum(["create", "delete", "rename", "link", "setattr"]),
      path: z.string(),
    }),
    z.strictObject({
      kind: z.literal("connect"),
      /** address:port, or for icmp (which has no port) the address alone. */
      target: z.string(),
      protocol: z.enum(PROTOCOLS),
    }),
    z.strictObject({ kind: z.literal("exec"), path: z.string() }),
    z.strictObject({ kind: z.literal("exec-memfd") }),
    z.strictObject({ kind: z.literal("exec-anonymous-memory") }),
    z.strictObject({ kind: z.literal("socket"), family: z.string(), type: z.string() }),
    z.strictObject({ kind: z.literal("unix"), path: z.string() }),
    z.strictObject({ kind: z.literal("capability"), name: z.string() }),
    z.strictObject({ kind: z.literal("ptrace"), mode: z.enum(["read", "attach"]) }),
    z.strictObject({ kind: z.literal("mount") }),
    z.strictObject({ kind: z.literal("module-load") }),
  ]),
});
export type ExplainQuery = z.infer<typeof explainQuery>;

export const requestSchema = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("status") }),
  z.strictObject({
    op: z.literal("apply"),
    files: z.array(z.strictObject({ file: z.string(), text: z.string() })).min(1),
  }),
  z.strictObject({ op: z.literal("explain"), query: explainQuery }),
  z.strictObject({ op: z.literal("events"), follow: z.boolean() }),
  z.strictObject({ op: z.literal("uninstall") }),
  /** A signed envelope's JSON text (`proofwall apply --signed`). */
  z.strictObject({ op: z.literal("apply-signed"), envelope: z.string().min(1) }),
  /** A signed unseal request's JSON text (`proofwall unseal --signed`). */
  z.strictObject({ op: z.literal("unseal"), envelope: z.string().min(1) }),
  z.strictObject({
    op: z.literal("simulate"),
    query: explainQuery,
    pid: z.number().int(),
    comm: z.string(),
  }),
]);
export type ControlRequest = z.infer<typeof requestSchema>;

/** Every answer line: `{ ok: true, ... }` or `{ ok: false, error }`. */
export type ControlResponse =
  | { readonly ok: true; readonly [k: string]: unknown }
  | { readonly ok: false; readonly error: string };

export function encodeLine(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`;
}
