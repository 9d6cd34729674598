// The corpus inventory (test-data/corpus/inventory.json), prevail-style:
// what each program is expected to get from the verifier.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ObligationKind } from "../vc/index.js";
import { corpusDir } from "./build-corpus.js";

export type InventoryStatus = "pass" | "reject" | "expected_failure";

export interface InventoryEntry {
  readonly program: string;
  readonly status: InventoryStatus;
  /** the obligation kind the planted bug (or the known limitation) shows up as */
  readonly kind: ObligationKind | undefined;
  readonly reason: string | undefined;
  /**
   * Why the interpreter cannot replay this bug's counterexample, when it
   * cannot: the finding then counts as "unconfirmed" instead of "violated".
   */
  readonly unreplayable: string | undefined;
}

export function readInventory(): InventoryEntry[] {
  const doc = JSON.parse(readFileSync(join(corpusDir, "inventory.json"), "utf8")) as {
    programs: {
      program: string;
      status: InventoryStatus;
      kind?: ObligationKind;
      reason?: string;
      unreplayable?: string;
    }[];
  };
  return doc.programs.map((p) => ({
    program: p.program,
    status: p.status,
    kind: p.kind,
    reason: p.reason,
    unreplayable: p.unreplayable,
  }));
}
