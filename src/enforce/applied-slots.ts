// What the maps of each generation slot hold, in words: the policy's name,
// hash and generation, its mode and its rule ids. Written before the switch to
// that slot, so whichever slot pw_control names, an agent that adopts the pins
// after a crash can say what is in force and name the rules in events.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { PolicyMeta } from "../agent/enforcer.js";
import type { Mode } from "../policy/index.js";

const SlotSchema = z.object({
  policy: z.object({
    name: z.string(),
    hash: z.string(),
    generation: z.number().int().nonnegative(),
  }),
  mode: z.enum(["enforce", "audit"]),
  ruleIds: z.array(z.string()),
  trees: z.array(z.string()).default([]),
});

export interface SlotRecord {
  readonly policy: PolicyMeta;
  readonly mode: Mode;
  readonly ruleIds: readonly string[];
  /** Directory trees the policy's file rules cover: where events' files are named from. */
  readonly trees: readonly string[];
}

const file = (stateDir: string, slot: number) => join(stateDir, `enforce-slot-${slot}.json`);

export function writeSlot(stateDir: string, slot: number, record: SlotRecord): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const path = file(stateDir, slot);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** The record of `slot`, or null when there is none or it is unreadable. */
export function readSlot(stateDir: string, slot: number): SlotRecord | null {
  try {
    const parsed = SlotSchema.safeParse(JSON.parse(readFileSync(file(stateDir, slot), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function clearSlots(stateDir: string, slots: number): void {
  for (let s = 0; s < slots; s++) rmSync(file(stateDir, s), { force: true });
}
