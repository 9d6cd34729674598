// How a host's programs compare: with what its own agent loaded (attested),
// and with the other hosts that loaded the same objects. Hosts with the same
// object hashes and kernel run the same instructions, so their tags agree;
// one that differs runs something else on a Proofwall hook.
import { createHash } from "node:crypto";
import type { ProgramHash } from "./model.js";

export type Attestation =
  | { readonly kind: "unreported" }
  | { readonly kind: "ok"; readonly programs: number }
  | { readonly kind: "unattested"; readonly names: readonly string[] }
  | { readonly kind: "differs"; readonly from: number };

const digest = (parts: readonly string[]) =>
  createHash("sha256")
    .update([...parts].sort().join("\n"))
    .digest("hex");

/** The build a host loaded: its object hashes, whatever their tags. */
const buildOf = (ps: readonly ProgramHash[]) =>
  digest([...new Set(ps.map((p) => `${p.object ?? "?"}:${p.objectSha256 ?? "?"}`))]);
const tagsOf = (ps: readonly ProgramHash[]) => digest(ps.map((p) => `${p.name}:${p.tag}`));

/**
 * One verdict per host, given every live host's report (null: not reported).
 * A host is ok only when no other tag set for its objects is as common as its
 * own, so a tie flags both sides rather than picking one.
 */
export function attestHosts(
  reports: ReadonlyMap<string, readonly ProgramHash[] | null>,
): Map<string, Attestation> {
  const counts = tagSetCounts(reports);
  const out = new Map<string, Attestation>();
  for (const [host, ps] of reports) {
    if (ps === null) {
      out.set(host, { kind: "unreported" });
      continue;
    }
    const unattested = ps.filter((p) => !p.attested).map((p) => p.name);
    if (unattested.length > 0) {
      out.set(host, { kind: "unattested", names: unattested });
      continue;
    }
    const peers = counts.get(buildOf(ps)) ?? new Map<string, number>();
    const own = tagsOf(ps);
    const rival = Math.max(0, ...[...peers].filter(([t]) => t !== own).map(([, n]) => n));
    if (rival >= (peers.get(own) ?? 0) && rival > 0)
      out.set(host, { kind: "differs", from: rival });
    else out.set(host, { kind: "ok", programs: ps.length });
  }
  return out;
}

/** Per build, how many hosts run each tag set. */
function tagSetCounts(
  reports: ReadonlyMap<string, readonly ProgramHash[] | null>,
): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  for (const ps of reports.values()) {
    if (ps === null) continue;
    const byTags = counts.get(buildOf(ps)) ?? new Map<string, number>();
    byTags.set(tagsOf(ps), (byTags.get(tagsOf(ps)) ?? 0) + 1);
    counts.set(buildOf(ps), byTags);
  }
  return counts;
}

export function attestationText(a: Attestation): string {
  switch (a.kind) {
    case "unreported":
      return "-";
    case "ok":
      return `${a.programs} ok`;
    case "unattested":
      return `UNATTESTED ${a.names.length}`;
    case "differs":
      return `DIFFERS from ${a.from} hosts`;
  }
}
