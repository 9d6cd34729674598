// Which process sealed, kept in the state directory so that an agent started
// while the seal holds can say whose it is. The kernel itself is the authority
// (pw_seal), but it refuses to show the seal to anyone but its holder; this
// record is only for the report, and a forged one changes nothing but words.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { SealHolder } from "./seal-state.js";

const FILE = "seal.json";

const recordSchema = z.object({
  pid: z.number().int().positive(),
  /** Field 22 of /proc/<pid>/stat: with the pid, names one process for the boot. */
  startTicks: z.string(),
  sealedAt: z.string(),
});
export type SealRecord = z.infer<typeof recordSchema>;

/** The start time of `pid` in clock ticks since boot, or null when no such process runs. */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count after the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

export function writeSealRecord(stateDir: string, record: SealRecord): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const path = join(stateDir, FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

export function clearSealRecord(stateDir: string): void {
  rmSync(join(stateDir, FILE), { force: true });
}

/** The holder the record names, or null when there is no readable record. */
export function recordedHolder(stateDir: string): SealHolder | null {
  let record: SealRecord;
  try {
    const parsed = recordSchema.safeParse(JSON.parse(readFileSync(join(stateDir, FILE), "utf8")));
    if (!parsed.success) return null;
    record = parsed.data;
  } catch {
    return null;
  }
  const alive = processStartTicks(record.pid) === record.startTicks;
  return { pid: record.pid, sealedAt: record.sealedAt, alive };
}
