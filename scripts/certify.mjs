// Certificates for the objects the agent loads, against the test VM kernel's
// BTF, before anything starts the agent in the VM: the kernel suites and the
// red-team suite load certified objects only, as the product does. Proved
// certificates are cached (`proofwall build --reuse`), so this costs minutes
// when an object or the verifier changed and seconds otherwise; CI's
// check that every object proves (src/cli/verify-programs.test.ts) makes and
// reuses the same entries, so nothing is proved twice.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

// The per-obligation limit CI's check uses: a starved solver is not a finding.
export const CERTIFY_ARGS = [
  "build",
  "--kernel-btf",
  "vm",
  "--solver",
  "z3",
  "--timeout",
  "120",
  "--reuse",
];

/** Runs `proofwall build --kernel-btf vm --reuse`, echoing its lines; resolves to its exit code. */
export function certifyForTestVm() {
  console.log(`\n== certificates: proofwall ${CERTIFY_ARGS.join(" ")} ==`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...CERTIFY_ARGS], { stdio: "inherit" });
    child.on("close", (code) => resolve(code ?? 1));
  });
}
