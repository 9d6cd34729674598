// The host half of the differential suite (scripts/test.mjs runs it before
// booting the VM for verifier-diff.kernel.test.js): our verifier is too slow
// under the VM's emulation, so our verdicts are proved here, natively, against
// the VM kernel's BTF (--kernel-btf vm), and handed to the VM as files.
import { resolveKernelBtf } from "../cli/kernel-btf-option.js";
import { kernelBtfIdentity, useKernelBtf } from "../verifier/btf/index.js";
import {
  diffCaseDir,
  diffCases,
  ourVerdicts,
  writeManifest,
} from "../verifier/kernel-diff/index.js";

/** Per object: the slowest one compared (self_protect/bpf_objects) takes ~30 s on an idle host. */
const BUDGET_MS = 120_000;

const kernelBtf = await resolveKernelBtf("vm");
useKernelBtf(kernelBtf);
const identity = kernelBtfIdentity();
if (identity === null) throw new Error("kernel-diff: the VM kernel has no BTF");
const cases = diffCases();
const t0 = Date.now();
const ours = await ourVerdicts(cases, {
  kernelBtf,
  budgetMs: BUDGET_MS,
  onDone: (c, v) => {
    if (v.kind === "excluded") console.log(`kernel-diff: excluded ${c.name}: ${v.why}`);
  },
});
const hostMs = Date.now() - t0;
writeManifest(diffCaseDir, cases, ours, {
  kernelBtfSha256: identity.sha256,
  budgetMs: BUDGET_MS,
  hostMs,
});
const safe = ours.filter((v) => v.kind === "verdict" && v.safe).length;
console.log(
  `kernel-diff: ${cases.length} cases verified on the host in ${(hostMs / 1000).toFixed(0)} s (${safe} safe); written for the VM`,
);
