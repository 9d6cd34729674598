// Kernel test suites call requireTestVm() first: outside the test VM they must
// fail with a reason rather than skip (a skipped kernel suite looks green).
import { readFileSync } from "node:fs";

export const TEST_VM_REFUSAL =
  "kernel tests run only inside the test VM (PROOFWALL_IN_VM=1 and bpf in /sys/kernel/security/lsm): run npm run test:kernel";

export function activeLsms(file = "/sys/kernel/security/lsm"): string[] {
  try {
    return readFileSync(file, "utf8")
      .trim()
      .split(",")
      .filter((s) => s !== "");
  } catch {
    return [];
  }
}

/** Why this process is not in a usable test VM, or undefined if it is. */
export function testVmProblem(
  env: NodeJS.ProcessEnv = process.env,
  lsms: readonly string[] = activeLsms(),
): string | undefined {
  if (env["PROOFWALL_IN_VM"] !== "1") return `${TEST_VM_REFUSAL} (PROOFWALL_IN_VM is not 1)`;
  if (!lsms.includes("bpf"))
    return `${TEST_VM_REFUSAL} (active LSMs: ${lsms.join(",") || "unknown"})`;
  return undefined;
}

export function requireTestVm(
  env: NodeJS.ProcessEnv = process.env,
  lsms: readonly string[] = activeLsms(),
): void {
  const problem = testVmProblem(env, lsms);
  if (problem !== undefined) throw new Error(problem);
}
