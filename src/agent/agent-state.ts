// The one thing the agent keeps on disk: the last generation it applied, so
// generations keep increasing across restarts even without pinned maps.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const FILE = "state.json";

export function readGeneration(stateDir: string): number {
  try {
    const v = (JSON.parse(readFileSync(join(stateDir, FILE), "utf8")) as { generation?: unknown })
      .generation;
    return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : 0;
  } catch {
    return 0;
  }
}

/** Written to a temporary file and renamed, so a crash never leaves half a file. */
export function writeGeneration(stateDir: string, generation: number): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const tmp = join(stateDir, `${FILE}.tmp`);
  writeFileSync(tmp, `${JSON.stringify({ generation })}\n`, { mode: 0o600 });
  renameSync(tmp, join(stateDir, FILE));
}
