// Shared by the policy tests: the repository root and a quick way to build a
// policy document around a list of rules.
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const EXAMPLES_DIR = `${REPO_ROOT}examples/policies/`;

/** A policy document whose `spec.rules` is `rules` (YAML text, indented by the caller). */
export function policyYaml(rules: string, extra = ""): string {
  return [
    "apiVersion: proofwall.dev/v1",
    "kind: Policy",
    "metadata: { name: t }",
    "spec:",
    "  mode: enforce",
    extra,
    "  rules:",
    rules,
  ]
    .filter((l) => l !== "")
    .join("\n");
}
