// Reads pw_counters: decisions per hook and outcome, summed over CPUs.
import {
  EnforceHook,
  Outcome,
  OUTCOME_COUNT,
  type EnforceHookName,
  type OutcomeName,
} from "../abi/decision.js";
import type { BpfMap } from "../kernel/index.js";

export type DecisionCounts = Record<EnforceHookName, Record<OutcomeName, bigint>>;

export function readCounters(map: BpfMap): DecisionCounts {
  const out = {} as DecisionCounts;
  for (const [hook, h] of Object.entries(EnforceHook) as [EnforceHookName, number][]) {
    const row = {} as Record<OutcomeName, bigint>;
    for (const [outcome, o] of Object.entries(Outcome) as [OutcomeName, number][]) {
      const key = Buffer.alloc(4);
      key.writeUInt32LE(h * OUTCOME_COUNT + o);
      const v = map.lookup(key);
      let sum = 0n;
      for (let at = 0; v && at + 8 <= v.length; at += 8) sum += v.readBigUInt64LE(at);
      row[outcome] = sum;
    }
    out[hook] = row;
  }
  return out;
}
