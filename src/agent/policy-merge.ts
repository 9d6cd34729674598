// Merging the checked policies of a policy directory into the one Policy an
// Enforcer applies. Rules keep file-name order (so "the earlier rule wins"
// still means something), rule ids must be unique across files, every file
// must ask for the same mode, and a class defaults to deny when any file says
// so: splitting a policy into files can never widen it. For the same reason a
// seal switch is relaxed only when every file that states selfProtection
// allows it.
import type {
  Mode,
  Policy,
  Posture,
  ResourceClass,
  Rule,
  SealRelaxation,
} from "../policy/index.js";
import { RESOURCE_KEYS } from "../policy/index.js";

export interface CheckedFile {
  readonly file: string;
  readonly policy: Policy;
  /** The classes whose default the file states (the others are filled in as allow). */
  readonly statedDefaults: readonly ResourceClass[];
}

export type MergeResult =
  | { readonly kind: "ok"; readonly policy: Policy }
  | { readonly kind: "error"; readonly problems: readonly string[] };

function mergedMode(files: readonly CheckedFile[], problems: string[]): Mode {
  const first = files[0];
  if (!first) throw new Error("internal: merge of no policies");
  for (const f of files)
    if (f.policy.mode !== first.policy.mode)
      problems.push(
        `${f.file}: error merge: mode ${f.policy.mode} differs from ${first.policy.mode} in ${first.file}`,
      );
  return first.policy.mode;
}

function mergedDefaults(files: readonly CheckedFile[]): Record<ResourceClass, Posture> {
  const out = {} as Record<ResourceClass, Posture>;
  for (const k of RESOURCE_KEYS)
    out[k] = files.some((f) => f.statedDefaults.includes(k) && f.policy.defaults[k] === "deny")
      ? "deny"
      : "allow";
  return out;
}

function mergedSealAllow(files: readonly CheckedFile[]): { sealAllow?: SealRelaxation[] } {
  const stated = files.flatMap((f) => (f.policy.sealAllow ? [f.policy.sealAllow] : []));
  const [first, ...rest] = stated;
  if (!first) return {};
  return { sealAllow: first.filter((w) => rest.every((allow) => allow.includes(w))) };
}

export function mergePolicies(files: readonly CheckedFile[]): MergeResult {
  const only = files.length === 1 ? files[0] : undefined;
  if (only) return { kind: "ok", policy: only.policy };
  const problems: string[] = [];
  const mode = mergedMode(files, problems);
  const owner = new Map<string, string>();
  const rules: Rule[] = [];
  for (const f of files)
    for (const r of f.policy.rules) {
      const first = owner.get(r.id);
      if (first !== undefined)
        problems.push(`${f.file}: error merge: rule id ${r.id} is already used in ${first}`);
      owner.set(r.id, f.file);
      rules.push({ ...r, index: rules.length });
    }
  if (problems.length > 0) return { kind: "error", problems };
  const name = files.map((f) => f.policy.name).join("+");
  const defaults = mergedDefaults(files);
  return { kind: "ok", policy: { name, mode, defaults, rules, ...mergedSealAllow(files) } };
}
