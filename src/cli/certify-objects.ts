// Certificates for the objects the agent is about to load, made before the
// demo starts it: against the test VM kernel's BTF when the demo runs there,
// else the running kernel's. Proving takes minutes the first time and comes
// from the certificate cache after that (`proofwall build --reuse`).
import { spawnSync } from "node:child_process";
import { useKernelBtf } from "../verifier/btf/index.js";
import { runBuild } from "./build.js";
import { resolveKernelBtf } from "./kernel-btf-option.js";

/** The z3 process when installed (faster than the embedded WebAssembly build). */
const solver = () =>
  spawnSync("z3", ["--version"], { encoding: "utf8" }).status === 0 ? "z3" : "z3-embedded";

/** `proofwall build --reuse` for the product's objects; returns its exit code. */
export async function certifyProductObjects(kernel: "test-vm" | "running"): Promise<number> {
  if (kernel === "test-vm") useKernelBtf(await resolveKernelBtf("vm"));
  // The limit CI's check uses: a solver starved by a busy machine is not a finding.
  return runBuild([], { solver: solver(), timeout: "120", maxPaths: "1100", reuse: true });
}
