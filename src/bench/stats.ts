// Summaries for noisy measurements: TCG timings swing by tens of percent from
// run to run, so benchmarks report medians with their spread, never a mean.

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max - min) / median: how much the repetitions disagreed. */
  readonly spread: number;
  readonly n: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarize(values: readonly number[]): Summary {
  const m = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median: m, min, max, spread: m === 0 ? 0 : (max - min) / m, n: values.length };
}

/**
 * The ratio of two conditions measured in the same rounds: the median of the
 * per-round ratios, which cancels drift that affects both alike.
 */
export function pairedRatio(subject: readonly number[], baseline: readonly number[]): Summary {
  if (subject.length !== baseline.length)
    throw new Error("paired ratio needs one value per round from each side");
  return summarize(subject.map((v, i) => v / (baseline[i] as number)));
}
