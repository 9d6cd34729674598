// Attestation: which programs the kernel really runs on Proofwall's hooks.
// When the agent loads the objects it records each object's sha256 (the
// bytes its certificate covers) and the kernel's tag of every program it
// loaded from them. Later, any agent (the same one, or one that adopted the
// pins) reads the tags back through the pinned links and compares. A program
// that is not the one loaded from the certified object shows as unattested;
// fleet status puts hosts side by side.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { ProgramHash } from "../fleet/model.js";

const BuildRecordSchema = z.object({
  objects: z.array(z.object({ name: z.string(), sha256: z.string() })),
  programs: z.array(z.object({ name: z.string(), object: z.string(), tag: z.string() })),
});

/** What the agent loaded: objects by hash, and the tag the kernel gave each program. */
export type BuildRecord = z.infer<typeof BuildRecordSchema>;

/** A program as the kernel reports it now, through its link. */
export interface LiveProgram {
  readonly name: string;
  readonly tag: string;
}

const file = (stateDir: string) => join(stateDir, "enforce-build.json");

export function writeBuildRecord(stateDir: string, record: BuildRecord): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const path = file(stateDir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** The record an agent left, or null when there is none or it is unreadable. */
export function readBuildRecord(stateDir: string): BuildRecord | null {
  try {
    const parsed = BuildRecordSchema.safeParse(JSON.parse(readFileSync(file(stateDir), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function clearBuildRecord(stateDir: string): void {
  rmSync(file(stateDir), { force: true });
}

/**
 * Joins what runs with what was loaded. A program is attested when the build
 * record names it and its live tag is the tag it had when loaded from the
 * recorded object.
 */
export function attest(live: readonly LiveProgram[], build: BuildRecord | null): ProgramHash[] {
  const loaded = new Map(build?.programs.map((p) => [p.name, p]) ?? []);
  const objectHash = new Map(build?.objects.map((o) => [o.name, o.sha256]) ?? []);
  return live.map(({ name, tag }) => {
    const at = loaded.get(name);
    return {
      name,
      tag,
      object: at?.object ?? null,
      objectSha256: at ? (objectHash.get(at.object) ?? null) : null,
      attested: at !== undefined && at.tag === tag && objectHash.has(at.object),
    };
  });
}
