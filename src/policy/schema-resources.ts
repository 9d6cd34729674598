// What a rule is about. Each resource class has its own key in the rule; the
// rule schema (schema.ts) insists on exactly one.
import { z } from "zod";
import { absolutePath, capability, cidr, list, portEntry, report } from "./schema-fields.js";
import { evenIfInvalid } from "./schema-fields.js";
import { SOCKET_FAMILIES, SOCKET_TYPES } from "./sockets.js";

export const FILE_OPERATIONS = [
  "read",
  "write",
  "create",
  "delete",
  "rename",
  "link",
  "setattr",
] as const;
export type FileOperation = (typeof FILE_OPERATIONS)[number];

export const PTRACE_MODES = ["read", "attach"] as const;
export type PtraceMode = (typeof PTRACE_MODES)[number];

/** icmp is ICMP echo over IPv4 and ICMPv6 over IPv6: the destination's family tells them apart. */
export const PROTOCOLS = ["tcp", "udp", "icmp"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

const treeEntry = z
  .strictObject({
    path: absolutePath,
    tree: z.boolean().optional().meta({ description: "Match the whole tree below the path." }),
  })
  .superRefine((e, ctx) => {
    if (e.tree === false && e.path.endsWith("/")) report(ctx, "tree-contradiction", e.path);
  }, evenIfInvalid);

export const pathEntry = z
  .union([absolutePath, treeEntry])
  .meta({ description: "A path; a trailing '/' (or tree: true) means the whole tree." });

export const filesSchema = z.strictObject({
  paths: list(pathEntry),
  operations: list(z.enum(FILE_OPERATIONS))
    .optional()
    .meta({ description: "Omitted means every operation." }),
});

export const networkSchema = z
  .strictObject({
    cidrs: list(cidr).optional(),
    cloudMetadata: z
      .literal(true)
      .optional()
      .meta({ description: "The instance metadata endpoints 169.254.169.254 and fd00:ec2::254." }),
    ports: list(portEntry).optional().meta({
      description:
        "Omitted means every port. ICMP has no port: a rule with ports never matches icmp.",
    }),
    protocols: list(z.enum(PROTOCOLS))
      .optional()
      .meta({ description: "tcp, udp, icmp (ICMPv6 for IPv6). Omitted means any, icmp included." }),
  })
  .superRefine((n, ctx) => {
    if (n.cidrs === undefined && n.cloudMetadata === undefined)
      ctx.addIssue({
        code: "custom",
        input: n,
        params: { pw: "missing-field", name: "cidrs or cloudMetadata" },
      });
    // Such a rule would silently leave ICMP out, which its author did not mean.
    if (n.ports !== undefined && n.protocols?.includes("icmp") === true)
      ctx.addIssue({
        code: "custom",
        input: n.protocols,
        path: ["protocols", n.protocols.indexOf("icmp")],
        params: { pw: "icmp-with-ports" },
      });
  }, evenIfInvalid);

const familyNames = Object.keys(SOCKET_FAMILIES) as [keyof typeof SOCKET_FAMILIES];
const typeNames = Object.keys(SOCKET_TYPES) as [keyof typeof SOCKET_TYPES];

export const socketsSchema = z.strictObject({
  families: list(z.enum(familyNames)),
  types: list(z.enum(typeNames)).optional().meta({ description: "Omitted means any type." }),
});

export const unixSchema = z.strictObject({
  paths: list(absolutePath).meta({ description: "Socket files, matched by device and inode." }),
});

export const capabilitiesSchema = list(capability);

export const execSchema = z
  .strictObject({
    paths: list(pathEntry).optional(),
    memfd: z
      .literal(true)
      .optional()
      .meta({ description: "Programs executed from a memfd (fileless execution)." }),
    anonymousMemory: z.literal(true).optional().meta({
      description:
        "Making memory that no linked file backs executable (mmap or mprotect with PROT_EXEC): injected code. JIT runtimes do it too: scope the rule with subjects.",
    }),
  })
  .superRefine((e, ctx) => {
    if (e.paths === undefined && e.memfd === undefined && e.anonymousMemory === undefined)
      ctx.addIssue({
        code: "custom",
        input: e,
        params: { pw: "missing-field", name: "paths, memfd or anonymousMemory" },
      });
  }, evenIfInvalid);

export const ptraceSchema = z.strictObject({ modes: list(z.enum(PTRACE_MODES)) });

/** The rule key of every resource class, in documentation order. */
export const RESOURCE_KEYS = [
  "files",
  "network",
  "sockets",
  "unix",
  "capabilities",
  "exec",
  "ptrace",
  "mount",
  "moduleLoad",
] as const;
export type ResourceClass = (typeof RESOURCE_KEYS)[number];
