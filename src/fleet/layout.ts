// Where a fleet keeps things in etcd, under its prefix:
//   <prefix>/bundles/<version>   signed bundles, one key per version, never rewritten
//   <prefix>/rollout             the current staged rollout (src/fleet/model.ts)
//   <prefix>/status/<host>       each agent's report, under its lease: gone when it dies
//   <prefix>/hosts/<host>        hosts ever seen (no lease), so a dead one shows as dead
// Versions in keys are zero-padded so etcd's key order is version order.
const WIDTH = 16;

export const bundlesDir = (prefix: string): string => `${prefix}/bundles/`;
export const bundleKey = (prefix: string, version: number): string =>
  `${bundlesDir(prefix)}${String(version).padStart(WIDTH, "0")}`;
export const rolloutKey = (prefix: string): string => `${prefix}/rollout`;
export const statusDir = (prefix: string): string => `${prefix}/status/`;
export const statusKey = (prefix: string, host: string): string => `${statusDir(prefix)}${host}`;
export const hostsDir = (prefix: string): string => `${prefix}/hosts/`;
export const hostKey = (prefix: string, host: string): string => `${hostsDir(prefix)}${host}`;

/** The version a bundle key names, or null for a key that is not a bundle's. */
export function versionOfKey(prefix: string, key: string): number | null {
  const tail = key.startsWith(bundlesDir(prefix)) ? key.slice(bundlesDir(prefix).length) : "";
  if (!/^\d{1,16}$/.test(tail)) return null;
  const v = Number(tail);
  return Number.isSafeInteger(v) && v > 0 ? v : null;
}
