// Checks one corpus program against its inventory entry: did the verifier
// report the planted bug as violated, with the expected kind, at the BUG
// line, and is the fixed twin proved? Returns what went wrong, as text.
import type { ObligationReport, VerifyResult } from "../report/index.js";
import type { CorpusProgram } from "./build-corpus.js";
import type { InventoryEntry } from "./inventory.js";

const obligations = (r: VerifyResult): ObligationReport[] =>
  r.programs.flatMap((p) => p.obligations);

export const hitsBug = (r: VerifyResult, entry: InventoryEntry, line: number): boolean =>
  obligations(r).some(
    (o) =>
      (o.status === "violated" ||
        (o.status === "unconfirmed" && entry.unreplayable !== undefined)) &&
      o.kind === entry.kind &&
      o.source?.line === line,
  );

export function notProved(r: VerifyResult): string[] {
  return [
    ...r.programs.filter((p) => p.error !== undefined).map((p) => `${p.name}: ${p.error}`),
    ...obligations(r)
      .filter((o) => o.status !== "proved")
      .map((o) => `${o.id} ${o.status} at line ${o.source?.line}: ${o.reason}`),
  ];
}

export function describeMiss(
  r: VerifyResult,
  program: CorpusProgram,
  entry: InventoryEntry,
): string {
  const got = obligations(r)
    .filter((o) => o.status !== "proved")
    .map((o) => `${o.kind}/${o.status}@${o.source?.line}`);
  return `${program.source}: expected ${entry.kind} violated at line ${program.bugLine}, got [${got.join(", ")}]`;
}
