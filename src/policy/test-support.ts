// Shared by the policy tests: the repository root, the machine the example
// policies are written for, and a quick way to build a policy document around
// a list of rules.
import { fileURLToPath } from "node:url";
import type { FakeWorld } from "./fake-resolver.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const EXAMPLES_DIR = `${REPO_ROOT}examples/policies/`;

const inodes = (paths: readonly string[], first: number) =>
  Object.fromEntries(paths.map((p, i) => [p, first + i]));

/**
 * Every name the examples use, as a fake machine: a unit test validates each
 * example against it, and the VM suite (src/agent/examples.kernel.test.ts)
 * builds the same names for real and validates there with the real resolver.
 */
export const EXAMPLES_WORLD: FakeWorld = {
  users: { alice: 1000 },
  groups: { developers: 2000, docker: 999 },
  services: {
    "app.service": "/cg/system.slice/app.service",
    "nginx.service": "/cg/system.slice/nginx.service",
  },
  cgroups: {
    "/cg/system.slice/app.service": 70n,
    "/cg/system.slice/nginx.service": 71n,
    "/sys/fs/cgroup/batch": 72n,
  },
  files: {
    ...inodes(["/home/alice/.ssh", "/home/alice/.aws", "/etc/shadow"], 10),
    ...inodes(["/tmp", "/dev/shm", "/run/docker.sock"], 20),
    ...inodes(
      [
        "/usr/bin/ssh",
        "/usr/bin/ssh-add",
        "/usr/bin/ssh-agent",
        "/usr/bin/ssh-keygen",
        "/usr/bin/scp",
        "/usr/bin/sftp",
        "/usr/local/bin/aws",
        "/usr/sbin/unix_chkpwd",
        "/usr/bin/login",
        "/usr/bin/su",
        "/usr/bin/passwd",
        "/usr/bin/chage",
        "/usr/sbin/chpasswd",
        "/usr/sbin/usermod",
      ],
      100,
    ),
  },
  dirs: ["/home/alice/.ssh", "/home/alice/.aws", "/tmp", "/dev/shm"],
};

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
