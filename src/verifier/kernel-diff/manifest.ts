// The hand-over from the host to the test VM: every case's object as a file,
// and a manifest with our verdict, the object's sha256 and the kernel BTF
// the verdicts were proved against. The VM sees the host's tree read-only,
// so the kernel suite there loads the very bytes we verified.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { repoRoot } from "../corpus/build-corpus.js";
import type { DiffCase } from "./cases.js";
import type { OurVerdict } from "./our-verdicts.js";

export const diffCaseDir = join(repoRoot, "build", "kernel-diff");
const MANIFEST = "manifest.json";

const verdictSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("verdict"), safe: z.boolean(), why: z.string(), ms: z.number() }),
  z.object({ kind: z.literal("excluded"), why: z.string() }),
]);

const manifestSchema = z.object({
  /** sha256 of the raw kernel BTF our verifier used (the VM kernel's) */
  kernelBtfSha256: z.string(),
  budgetMs: z.number(),
  hostMs: z.number(),
  cases: z.array(
    z.object({
      name: z.string(),
      file: z.string(),
      sha256: z.string(),
      change: z.string().optional(),
      ours: verdictSchema,
    }),
  ),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestCase = Manifest["cases"][number];

export const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

const fileName = (i: number, name: string): string =>
  `${String(i).padStart(3, "0")}-${name.replace(/[^A-Za-z0-9_.-]+/g, "_")}.o`;

export function writeManifest(
  dir: string,
  cases: readonly DiffCase[],
  ours: readonly OurVerdict[],
  head: Omit<Manifest, "cases">,
): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const entries = cases.map((c, i): ManifestCase => {
    const file = fileName(i, c.name);
    writeFileSync(join(dir, file), c.bytes);
    const verdict = ours[i];
    if (verdict === undefined) throw new Error(`kernel-diff: no verdict for ${c.name}`);
    return {
      name: c.name,
      file,
      sha256: sha256(c.bytes),
      ...(c.change === undefined ? {} : { change: c.change }),
      ours: verdict,
    };
  });
  const manifest: Manifest = { ...head, cases: entries };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
}

/** Reads the manifest; throws naming the file and the field when it is missing or malformed. */
export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new Error(
      `kernel-diff: ${path} is missing: run the host step first (node scripts/test.mjs --kernel verifier-diff runs both)`,
    );
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`kernel-diff: ${path}: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  return parsed.data;
}
