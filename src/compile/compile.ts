// compilePolicy: a checked Policy -> MapImage. Pure and deterministic: the
// same policy always gives the same bytes, and nothing here touches a kernel.
import { PwClass, encodeConfig } from "../abi/policy-records.js";
import type { Policy, ResourceClass } from "../policy/model.js";
import { RESOURCE_KEYS } from "../policy/schema-resources.js";
import { fileRuleEntries } from "./files.js";
import type { MapImage } from "./image.js";
import { nameObjects } from "./named.js";
import { procRuleEntries } from "./proc.js";
import { EntrySink } from "./sink.js";
import { NetSink, networkRuleEntries } from "./net.js";
import { socketRuleEntries } from "./sockets.js";

/** Classes whose rules this compiler encodes; the others fall back to their default. */
export const COMPILED_CLASSES: readonly ResourceClass[] = [
  "files",
  "exec",
  "network",
  "sockets",
  "unix",
  "capabilities",
  "ptrace",
  "mount",
  "moduleLoad",
];

function denyDefaults(policy: Policy): number {
  return RESOURCE_KEYS.filter((c) => policy.defaults[c] === "deny").reduce(
    (bits, c) => bits | (1 << PwClass[c]),
    0,
  );
}

export function compilePolicy(policy: Policy): MapImage {
  const named = nameObjects(policy);
  const sink = new EntrySink();
  const net = new NetSink();
  for (const rule of policy.rules) {
    fileRuleEntries(sink, rule, named);
    procRuleEntries(sink, rule, named);
    socketRuleEntries(sink, rule, named);
    networkRuleEntries(net, rule, named);
  }
  const cgroupLevels = named.placements.reduce((bits, p) => bits | (1 << p.level), 0);
  const ruleIds: string[] = [];
  for (const r of policy.rules) ruleIds[r.index] = r.id;
  return {
    policy: policy.name,
    config: encodeConfig({
      auditMode: policy.mode === "audit",
      denyDefaults: denyDefaults(policy),
      shapes: sink.shapes | net.shapes,
      cgroupLevels,
    }),
    objects: named.entries,
    rules: sink.entries(),
    net: net.image(),
    ruleIds: Array.from(ruleIds, (id) => id ?? ""),
  };
}
