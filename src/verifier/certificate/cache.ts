// A cache of proved certificates, so the same proof is not made twice: by
// the test runner and the demo before they load objects, and by CI's check
// that every object proves. An entry is keyed by everything the proof
// depends on: the object's bytes, the kernel BTF its hook signatures came
// from, the read-only settings frozen as its loader sets them, the Proofwall
// version and the compiled verifier itself (a changed verifier proves again).
// Only proved certificates are kept: an unproved one may be a starved solver.
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { certificateSchema, sha256, type Certificate } from "./certificate.js";

export interface CertificateKey {
  readonly objectSha256: string;
  readonly kernelBtfSha256: string | null;
  /** name=value, as the loader freezes them; empty when the loader sets none */
  readonly rodata: readonly string[];
  readonly proofwallVersion: string;
  readonly verifierSha256: string;
}

/** $PROOFWALL_CERT_CACHE, else the user's cache directory (beside the test VM's). */
export function certificateCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env["PROOFWALL_CERT_CACHE"];
  if (override) return override;
  const xdg = env["XDG_CACHE_HOME"];
  return join(xdg ? xdg : join(homedir(), ".cache"), "proofwall", "certificates");
}

const verifierDir = fileURLToPath(new URL("..", import.meta.url));
let fingerprint: string | undefined;

/** The sha256 of the compiled verifier (its modules, not its tests), read once. */
export function verifierSha256(dir = verifierDir): string {
  if (dir === verifierDir && fingerprint !== undefined) return fingerprint;
  const files = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".js") && !f.endsWith(".test.js"))
    .sort();
  const parts = files.map((f) => `${f}\0${sha256(readFileSync(join(dir, f)))}`);
  const hash = sha256(Buffer.from(parts.join("\n")));
  if (dir === verifierDir) fingerprint = hash;
  return hash;
}

const entryPath = (dir: string, key: CertificateKey) =>
  join(dir, `${sha256(Buffer.from(JSON.stringify(key)))}.cert.json`);

/** The proved certificate cached under `key`, or null (none, unreadable, or not for these bytes). */
export function cachedCertificate(dir: string, key: CertificateKey): Certificate | null {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(entryPath(dir, key), "utf8"));
  } catch {
    return null;
  }
  const parsed = certificateSchema.safeParse(json);
  if (!parsed.success) return null;
  const c = parsed.data;
  const sameKernel = (c.kernel?.btfSha256 ?? null) === key.kernelBtfSha256;
  const same = c.object.sha256 === key.objectSha256 && sameKernel;
  return same && c.status === "proved" && c.programs.every((p) => p.proved) ? c : null;
}

/** Keeps a proved certificate under `key`; an unproved one is not kept. */
export function cacheCertificate(dir: string, key: CertificateKey, cert: Certificate): void {
  if (cert.status !== "proved") return;
  mkdirSync(dir, { recursive: true });
  const path = entryPath(dir, key);
  // Written whole, then renamed: a reader never sees half an entry.
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(cert, null, 2)}\n`);
  renameSync(partial, path);
}
