// Replay protection: the last version applied through one channel (the fleet,
// a sealed agent's signed policy), kept in the agent's state directory. A
// signed envelope is accepted only if its version is greater, so an old,
// genuinely signed policy cannot be brought back by whoever controls delivery.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export class ReplayGuard {
  readonly #file: string;
  #last: number;

  constructor(file: string) {
    this.#file = file;
    this.#last = readLast(file);
  }

  /** 0 when nothing was ever applied. */
  get last(): number {
    return this.#last;
  }

  accepts(version: number): boolean {
    return version > this.#last;
  }

  /** Persists before returning: written to a temporary file and renamed. */
  record(version: number): void {
    if (version < this.#last)
      throw new Error(`replay guard: recording ${version} would move back from ${this.#last}`);
    mkdirSync(dirname(this.#file), { recursive: true, mode: 0o700 });
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ lastVersion: version })}\n`, { mode: 0o600 });
    renameSync(tmp, this.#file);
    this.#last = version;
  }
}

function readLast(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return 0;
    throw new Error(`replay guard ${file}: ${String(e)}`);
  }
  // A damaged file must not reset the guard to 0: that would re-open replay.
  const v = (JSON.parse(text) as { lastVersion?: unknown }).lastVersion;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    throw new Error(`replay guard ${file}: field lastVersion: expected a non-negative integer`);
  return v;
}
