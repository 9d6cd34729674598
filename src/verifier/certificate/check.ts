// checkCertificate: what the loader asks before it loads an object. The
// certificate sits next to the object (x.bpf.o.cert.json) and must name the
// exact bytes being loaded and say that everything was proved.
import { readFileSync } from "node:fs";
import {
  CERTIFICATE_SUFFIX,
  certificateSchema,
  sha256,
  unprovedPrograms,
  type Certificate,
} from "./certificate.js";

export type CertificateCheck =
  | { readonly kind: "valid"; readonly cert: Certificate }
  | { readonly kind: "missing"; readonly reason: string }
  | { readonly kind: "mismatch"; readonly reason: string }
  | {
      readonly kind: "unproved";
      readonly reason: string;
      readonly cert: Certificate;
      /** one line per program that is not proved, saying why */
      readonly unproved: readonly string[];
    };

export const certificatePath = (objectPath: string): string => `${objectPath}${CERTIFICATE_SUFFIX}`;

function readBytes(path: string): Buffer | string {
  try {
    return readFileSync(path);
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

/**
 * `kernelBtfSha256`: the BTF of the kernel the object is about to run on.
 * Hook signatures differ between kernels (an LSM hook gains a parameter and
 * the prior verdict moves), so a proof holds for the kernel it was made for;
 * null skips the comparison (a kernel without BTF cannot run BPF LSM anyway).
 */
export function checkCertificate(
  objectPath: string,
  kernelBtfSha256: string | null = null,
): CertificateCheck {
  const certPath = certificatePath(objectPath);
  const object = readBytes(objectPath);
  if (typeof object === "string")
    return { kind: "missing", reason: `certificate: cannot read ${objectPath}: ${object}` };
  const text = readBytes(certPath);
  if (typeof text === "string")
    return { kind: "missing", reason: `certificate: no certificate ${certPath} (${text})` };
  let json: unknown;
  try {
    json = JSON.parse(text.toString("utf8"));
  } catch (e) {
    return {
      kind: "mismatch",
      reason: `certificate: ${certPath}: not JSON: ${(e as Error).message}`,
    };
  }
  const parsed = certificateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") ?? "";
    return {
      kind: "mismatch",
      reason: `certificate: ${certPath}: ${where}: ${issue?.message ?? "invalid"}`,
    };
  }
  const cert = parsed.data;
  const actual = sha256(object);
  if (actual !== cert.object.sha256)
    return {
      kind: "mismatch",
      reason: `certificate: ${objectPath} has sha256 ${actual}, the certificate was made for ${cert.object.sha256}`,
    };
  const proofKernel = cert.kernel?.btfSha256 ?? null;
  if (kernelBtfSha256 !== null && proofKernel !== kernelBtfSha256)
    return {
      kind: "mismatch",
      reason:
        `certificate: ${certPath} was proved against ${cert.kernel ? `the kernel BTF of ${cert.kernel.btfSource} (sha256 ${proofKernel})` : "no kernel BTF"}, ` +
        `not this kernel's (sha256 ${kernelBtfSha256}): run \`proofwall build --kernel-btf\` for this kernel`,
    };
  const unproved = unprovedPrograms(cert);
  if (cert.status !== "proved" || unproved.length > 0)
    return {
      kind: "unproved",
      reason: `certificate: ${objectPath}: ${unproved.length} program(s) not proved`,
      cert,
      unproved,
    };
  return { kind: "valid", cert };
}
