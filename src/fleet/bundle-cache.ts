// The last good bundle on disk, so an agent that restarts without etcd goes
// back to enforcing what it last applied. Written to a temporary file and
// renamed: a crash leaves the old bundle or the new one, never half of one.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseEnvelope, type SignedEnvelope } from "../signing/index.js";

export interface CachedBundle {
  readonly bundle: SignedEnvelope;
  /** When it was applied: the cache is re-verified as of that moment. */
  readonly appliedAt: string;
}

export type CacheRead =
  | { readonly kind: "empty" }
  | { readonly kind: "ok"; readonly cached: CachedBundle }
  | { readonly kind: "damaged"; readonly problems: readonly string[] };

export class BundleCache {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  read(): CacheRead {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") return { kind: "empty" };
      return { kind: "damaged", problems: [`${this.file}: ${String(e)}`] };
    }
    let appliedAt: unknown;
    let bundle: unknown;
    try {
      ({ appliedAt, bundle } = JSON.parse(text) as { appliedAt?: unknown; bundle?: unknown });
    } catch (e) {
      return { kind: "damaged", problems: [`${this.file}: not JSON: ${(e as Error).message}`] };
    }
    if (typeof appliedAt !== "string" || Number.isNaN(Date.parse(appliedAt)))
      return { kind: "damaged", problems: [`${this.file}: field appliedAt: expected a time`] };
    const parsed = parseEnvelope(JSON.stringify(bundle), `${this.file} bundle`);
    if (parsed.kind === "malformed") return { kind: "damaged", problems: parsed.problems };
    return { kind: "ok", cached: { bundle: parsed.envelope, appliedAt } };
  }

  write(cached: CachedBundle): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(cached)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
