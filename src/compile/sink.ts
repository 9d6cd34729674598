// Collects pw_rules entries, keeping per key the best score: rules with the
// same subject key and resource are merged here, at compile time, so the
// kernel compares one value per candidate key.
import { encodeRuleKey, shapeBit, type RuleKey } from "../abi/policy-records.js";
import { encodeScore, type ScoreParts } from "../abi/score.js";
import type { MapEntry } from "./image.js";

export class EntrySink {
  private readonly best = new Map<string, bigint>();
  /** Subject shapes present (bit exe*8 + placement*4 + identity kind). */
  shapes = 0;

  add(key: RuleKey, parts: ScoreParts): void {
    const hex = encodeRuleKey(key).toString("hex");
    const score = encodeScore(parts);
    const old = this.best.get(hex);
    if (old === undefined || score > old) this.best.set(hex, score);
    this.shapes |= shapeBit(key.exe !== 0, key.place !== 0, key.identKind);
  }

  entries(): MapEntry[] {
    return [...this.best.keys()].sort().map((hex) => {
      const value = Buffer.alloc(8);
      value.writeBigUInt64LE(this.best.get(hex) ?? 0n);
      return { key: Buffer.from(hex, "hex"), value };
    });
  }
}
