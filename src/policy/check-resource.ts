// Resources: paths to device+inode keys (with tree flags), CIDRs normalized,
// ports to ranges, names to kernel numbers. One function per resource class.
import type { FileKey } from "../abi/file-key.js";
import { capabilityNumber } from "./capabilities.js";
import { CLOUD_METADATA_CIDRS, formatCidr, parseCidr, type Cidr } from "./cidr.js";
import type { Path } from "./issue.js";
import type { FileTarget, Resource } from "./model.js";
import { parsePortEntry, type PortRange } from "./ports.js";
import { FILE_OPERATIONS, RESOURCE_KEYS, type ResourceClass } from "./schema-resources.js";
import type { RuleDoc } from "./schema.js";
import { SOCKET_FAMILIES, SOCKET_TYPES } from "./sockets.js";
import { report, type CheckContext } from "./check-context.js";

type PathEntry = string | { path: string; tree?: boolean | undefined };

function fileTarget(ctx: CheckContext, entry: PathEntry, path: Path): FileTarget | null {
  const raw = typeof entry === "string" ? entry : entry.path;
  const tree = raw.endsWith("/") || (typeof entry !== "string" && entry.tree === true);
  const clean = raw.length > 1 ? raw.replace(/\/+$/, "") : raw;
  const r = ctx.resolver.file(clean);
  if (r.kind === "missing") {
    report(ctx, "file-not-found", path, { received: raw, why: r.why });
    return null;
  }
  if (tree && !r.directory) report(ctx, "tree-on-file", path, { received: raw });
  if (!tree && r.directory) report(ctx, "directory-not-tree", path, { received: raw });
  return { path: clean, key: r.key, tree };
}

function fileTargets(ctx: CheckContext, entries: readonly PathEntry[], path: Path) {
  const out = entries.map((e, i) => fileTarget(ctx, e, [...path, i]));
  return out.every((t) => t !== null) ? (out as FileTarget[]) : null;
}

function cidrs(ctx: CheckContext, n: NonNullable<RuleDoc["network"]>, path: Path): Cidr[] {
  const out: Cidr[] = [];
  (n.cidrs ?? []).forEach((text, i) => {
    const r = parseCidr(text);
    if (r.kind === "error") return; // the schema already reported it
    if (r.hostBits)
      report(ctx, "cidr-host-bits", [...path, "cidrs", i], {
        received: text,
        normalized: formatCidr(r.cidr),
      });
    out.push(r.cidr);
  });
  if (n.cloudMetadata)
    for (const text of CLOUD_METADATA_CIDRS) {
      const r = parseCidr(text);
      if (r.kind === "ok") out.push(r.cidr);
    }
  return out;
}

function network(ctx: CheckContext, n: NonNullable<RuleDoc["network"]>, path: Path): Resource {
  const ports = n.ports?.map(parsePortEntry).filter((p): p is PortRange => p !== null) ?? null;
  return { kind: "network", cidrs: cidrs(ctx, n, path), ports, protocols: n.protocols ?? null };
}

function unixSockets(ctx: CheckContext, paths: readonly string[], path: Path): Resource | null {
  const keys = paths.map((p, i): FileKey | null => {
    const r = ctx.resolver.file(p);
    if (r.kind === "found") return r.key;
    report(ctx, "file-not-found", [...path, i], { received: p, why: r.why });
    return null;
  });
  return keys.every((k) => k !== null) ? { kind: "unix", sockets: keys as FileKey[] } : null;
}

/** The single resource class a schema-valid rule targets. */
export function resourceClassOf(rule: RuleDoc): ResourceClass {
  const found = RESOURCE_KEYS.find((k) => rule[k] !== undefined);
  if (found === undefined) throw new Error("internal: schema let through a rule without resource");
  return found;
}

function files(ctx: CheckContext, f: NonNullable<RuleDoc["files"]>, at: Path): Resource | null {
  const targets = fileTargets(ctx, f.paths, [...at, "paths"]);
  const operations = f.operations ?? [...FILE_OPERATIONS];
  return targets && { kind: "files", targets, operations };
}

function exec(ctx: CheckContext, e: NonNullable<RuleDoc["exec"]>, at: Path): Resource | null {
  const targets = e.paths ? fileTargets(ctx, e.paths, [...at, "paths"]) : [];
  const anonymousMemory = e.anonymousMemory === true;
  return targets && { kind: "exec", targets, memfd: e.memfd === true, anonymousMemory };
}

function sockets(s: NonNullable<RuleDoc["sockets"]>): Resource {
  const families = s.families.map((f) => SOCKET_FAMILIES[f]);
  return { kind: "sockets", families, types: s.types?.map((t) => SOCKET_TYPES[t]) ?? null };
}

/** The schema guarantees exactly one resource key, so the first present one is it. */
export function checkResource(ctx: CheckContext, rule: RuleDoc, path: Path): Resource | null {
  const at = [...path, resourceClassOf(rule)];
  if (rule.files) return files(ctx, rule.files, at);
  if (rule.network) return network(ctx, rule.network, at);
  if (rule.sockets) return sockets(rule.sockets);
  if (rule.unix) return unixSockets(ctx, rule.unix.paths, [...at, "paths"]);
  if (rule.capabilities)
    return { kind: "capabilities", caps: rule.capabilities.map((c) => capabilityNumber(c) ?? -1) };
  if (rule.exec) return exec(ctx, rule.exec, at);
  if (rule.ptrace) return { kind: "ptrace", modes: rule.ptrace.modes };
  if (rule.mount) return { kind: "mount" };
  if (rule.moduleLoad) return { kind: "moduleLoad" };
  throw new Error(`internal: rule ${rule.id} has no resource`);
}
