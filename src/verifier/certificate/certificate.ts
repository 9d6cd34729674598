// A verification certificate: what `proofwall build` proved about one eBPF
// object, bound to the object's bytes by their sha256. It records every
// program's obligations as the verifier left them, proved or not: an object
// that does not fully prove gets a certificate that says so ("unproved").
import { createHash } from "node:crypto";
import { z } from "zod";
import { programOk, type ProgramReport, type VerifyResult } from "../report/verify-result.js";

export const CERTIFICATE_FORMAT = "proofwall-certificate/2";
export const CERTIFICATE_SUFFIX = ".cert.json";

const notProvedSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.string(),
  message: z.string(),
});

const programSchema = z.object({
  name: z.string(),
  section: z.string(),
  insns: z.number().int().nonnegative(),
  paths: z.number().int().nonnegative(),
  /** the path cap stopped exploration: the obligation list is incomplete */
  truncated: z.boolean(),
  /** why the program could not be verified at all */
  error: z.string().nullable(),
  proved: z.boolean(),
  obligations: z.object({
    total: z.number().int().nonnegative(),
    proved: z.number().int().nonnegative(),
    lints: z.number().int().nonnegative(),
  }),
  /** ids of the proved obligations */
  provedIds: z.array(z.string()),
  notProved: z.array(notProvedSchema),
});

const solverSchema = z.object({ name: z.string(), version: z.string() });

/** The kernel whose hook signatures the proof used (btf/kernel-btf.ts), or null for none. */
const kernelSchema = z
  .object({ btfSource: z.string(), btfSha256: z.string().regex(/^[0-9a-f]{64}$/) })
  .nullable();

export const certificateSchema = z.object({
  format: z.literal(CERTIFICATE_FORMAT),
  object: z.object({
    file: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().nonnegative(),
  }),
  status: z.enum(["proved", "unproved"]),
  programs: z.array(programSchema),
  solvers: z.array(solverSchema),
  kernel: kernelSchema,
  proofwall: z.object({ version: z.string() }),
  createdAt: z.string(),
  ms: z.number().nonnegative(),
});

export type Certificate = z.infer<typeof certificateSchema>;
export type CertifiedProgram = z.infer<typeof programSchema>;
export type SolverVersion = z.infer<typeof solverSchema>;

export const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

function certifyProgram(p: ProgramReport): CertifiedProgram {
  const real = p.obligations.filter((o) => !o.lint);
  const notProved = p.obligations.filter((o) => !o.lint && o.status !== "proved");
  return {
    name: p.name,
    section: p.section,
    insns: p.insns,
    paths: p.paths,
    truncated: p.truncated,
    error: p.error ?? null,
    proved: programOk(p),
    obligations: {
      total: real.length,
      proved: real.length - notProved.length,
      lints: p.obligations.length - real.length,
    },
    provedIds: real.filter((o) => o.status === "proved").map((o) => o.id),
    notProved: notProved.map((o) => ({
      id: o.id,
      kind: o.kind,
      status: o.status,
      message: o.message,
    })),
  };
}

export interface CertifyInput {
  readonly bytes: Buffer;
  readonly file: string;
  readonly result: VerifyResult;
  readonly solvers: readonly SolverVersion[];
  readonly kernel: { readonly source: string; readonly sha256: string } | null;
  readonly version: string;
  readonly now?: Date;
}

export function makeCertificate(i: CertifyInput): Certificate {
  const programs = i.result.programs.map(certifyProgram);
  return {
    format: CERTIFICATE_FORMAT,
    object: { file: i.file, sha256: sha256(i.bytes), size: i.bytes.length },
    status: i.result.ok && programs.every((p) => p.proved) ? "proved" : "unproved",
    programs,
    solvers: [...i.solvers],
    kernel: i.kernel && { btfSource: i.kernel.source, btfSha256: i.kernel.sha256 },
    proofwall: { version: i.version },
    createdAt: (i.now ?? new Date()).toISOString(),
    ms: i.result.ms,
  };
}

/** Why a program of an unproved certificate is not proved, one line each. */
export function unprovedPrograms(c: Certificate): string[] {
  return c.programs
    .filter((p) => !p.proved)
    .map((p) => {
      if (p.error !== null) return `${p.name}: not verified: ${p.error}`;
      if (p.truncated)
        return `${p.name}: exploration truncated after ${p.paths} paths (obligations incomplete)`;
      const kinds = [...new Set(p.notProved.map((o) => `${o.kind} ${o.status}`))].join(", ");
      return `${p.name}: ${p.notProved.length} of ${p.obligations.total} obligations not proved (${kinds})`;
    });
}
