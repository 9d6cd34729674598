// `proofwall fleet status`: every host the fleet has seen, live or dead, with
// what it enforces, and the rollout in progress. Plain data first (for
// --json), then text.
import type { HostStatus, ProgramHash, Rollout } from "./model.js";
import type { FleetStore } from "./store.js";
import { attestationText, attestHosts, type Attestation } from "./attestation-view.js";

export type HostRow =
  | { readonly kind: "live"; readonly status: HostStatus }
  | { readonly kind: "dead"; readonly host: string; readonly labels: Record<string, string> };

export interface FleetView {
  readonly rollout: Rollout | null;
  readonly newestVersion: number;
  readonly hosts: readonly HostRow[];
  /** Status keys whose record did not validate. */
  readonly invalid: readonly string[];
}

export async function fleetView(store: FleetStore): Promise<FleetView> {
  const [{ hosts, invalid }, known, rollout, newestVersion] = await Promise.all([
    store.statuses(),
    store.knownHosts(),
    store.rollout(),
    store.maxVersion(),
  ]);
  const live = new Set(hosts.map((h) => h.host));
  const rows: HostRow[] = hosts.map((status) => ({ kind: "live", status }));
  for (const k of known)
    if (!live.has(k.host)) rows.push({ kind: "dead", host: k.host, labels: k.labels });
  const name = (r: HostRow) => (r.kind === "live" ? r.status.host : r.host);
  rows.sort((a, b) => name(a).localeCompare(name(b)));
  return { rollout, newestVersion, hosts: rows, invalid };
}

const labelText = (l: Record<string, string>) =>
  Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(",") || "-";

function ageOf(iso: string, now: number): string {
  return `${Math.max(0, Math.round((now - Date.parse(iso)) / 1000))}s`;
}

function row(r: HostRow, now: number, attestation: Attestation | undefined): string[] {
  if (r.kind === "dead") return [r.host, "dead", "-", "-", "-", "-", "-", "-", labelText(r.labels)];
  const s = r.status;
  const last = s.errors.at(-1);
  const errors = last ? `${s.errors.length} (last: v${last.version ?? "?"} ${last.code})` : "0";
  const applied = s.applied
    ? `v${s.applied.version}${s.applied.source === "cache" ? "*" : ""}`
    : "-";
  const mode = s.applied?.mode ?? "-";
  return [
    s.host,
    "live",
    applied,
    s.health,
    mode,
    ageOf(s.heartbeat, now),
    errors,
    attestation ? attestationText(attestation) : "-",
    labelText(s.labels),
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function renderFleetView(v: FleetView, showPrograms: boolean, now = Date.now()): string {
  const r = v.rollout;
  const attested = attestHosts(
    new Map(
      v.hosts.flatMap((h) => (h.kind === "live" ? [[h.status.host, h.status.programs]] : [])),
    ),
  );
  const lines = [
    `newest bundle: v${v.newestVersion}`,
    r
      ? `rollout: v${r.version} ${r.stage}${r.waitFor.length ? ` (waiting for ${r.waitFor.join(", ")})` : ""}: ${r.note}`
      : "rollout: none",
    "",
    table([
      ["HOST", "STATE", "APPLIED", "HEALTH", "MODE", "HEARTBEAT", "ERRORS", "PROGRAMS", "LABELS"],
      ...v.hosts.map((h) =>
        row(h, now, h.kind === "live" ? attested.get(h.status.host) : undefined),
      ),
    ]),
  ];
  if (v.hosts.some((h) => h.kind === "live" && h.status.applied?.source === "cache"))
    lines.push("* re-applied from the agent's cache; not yet confirmed from etcd");
  for (const k of v.invalid) lines.push(`invalid status record: ${k}`);
  if (showPrograms)
    for (const h of v.hosts)
      if (h.kind === "live")
        lines.push(
          `${h.status.host} programs: ${h.status.programs === null ? "not reported by the engine" : h.status.programs.map(programText).join(" ") || "none"}`,
        );
  return lines.join("\n");
}

const programText = (p: ProgramHash) =>
  `${p.name}=${p.tag}${p.attested ? "" : "(unattested)"}${p.objectSha256 ? ` [${p.object}@${p.objectSha256.slice(0, 12)}]` : ""}`;
