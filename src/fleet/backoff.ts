// How fast a watch stream retries after losing etcd: doubling from 100 ms up
// to a cap. etcd3's default backoff (cockatiel's) can wait up to 30 s, too long
// for a policy change to reach hosts after an etcd restart. The shape is
// cockatiel's IBackoff, written out so the fleet needs no extra dependency.
export interface Backoff {
  readonly duration: number;
  next(): Backoff;
}

export function cappedBackoff(capMs: number, duration = 100): Backoff {
  return {
    duration,
    next: () => cappedBackoff(capMs, Math.min(capMs, duration * 2)),
  };
}
