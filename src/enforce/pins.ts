// Where enforcement lives when no agent runs: the shared maps and the links,
// pinned in bpffs under one directory (maps/<name>, links/<program>). Pins are
// written into a staging directory that is renamed into place, so a crash
// mid-pin never leaves a directory that looks adoptable but is not complete.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { BpfLink, BpfMap } from "../kernel/index.js";
import type { PinnedObject } from "../protect/pin-check.js";

export interface NamedLink {
  /** The program's name, e.g. "pw_file_open". */
  readonly name: string;
  readonly link: BpfLink;
}

const MAPS = "maps";
const LINKS = "links";

export function pinAll(
  dir: string,
  maps: ReadonlyMap<string, BpfMap>,
  links: readonly NamedLink[],
): void {
  if (existsSync(dir)) throw new Error(`pin under ${dir}: already exists (adopt or uninstall it)`);
  const staging = `${dir}-staging`; // bpffs refuses names with a dot
  // A staging directory is what a crashed pin left: its links were never adopted.
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(join(staging, MAPS), { recursive: true });
  mkdirSync(join(staging, LINKS));
  for (const [name, map] of maps) map.pin(join(staging, MAPS, name));
  for (const { name, link } of links) link.pin(join(staging, LINKS, name));
  renameSync(staging, dir);
}

/** Opens what pinAll() left under `dir`; null when nothing is pinned there. */
export function adoptPins(
  dir: string,
  mapNames: readonly string[],
): { maps: Map<string, BpfMap>; links: NamedLink[] } | null {
  if (!existsSync(dir)) return null;
  const maps = new Map<string, BpfMap>();
  const links: NamedLink[] = [];
  try {
    for (const name of mapNames) {
      const path = join(dir, MAPS, name);
      if (!existsSync(path))
        throw new Error(`adopt pins under ${dir}: map ${name} is missing; run proofwall uninstall`);
      maps.set(name, BpfMap.openPinned(path));
    }
    for (const name of readdirSync(join(dir, LINKS)).sort())
      links.push({ name, link: BpfLink.openPinned(join(dir, LINKS, name)) });
  } catch (err) {
    for (const m of maps.values()) m[Symbol.dispose]();
    for (const l of links) l.link[Symbol.dispose]();
    throw err;
  }
  if (links.length === 0) throw new Error(`adopt pins under ${dir}: no links are pinned`);
  return { maps, links };
}

/** Where pinAll() put each map and link under `dir`, with the id each pin must name. */
export function pinnedObjects(
  dir: string,
  maps: ReadonlyMap<string, BpfMap>,
  links: readonly NamedLink[],
): PinnedObject[] {
  return [
    ...[...maps].map(([name, m]) => ({
      path: join(dir, MAPS, name),
      kind: "map" as const,
      id: m.id,
    })),
    ...links.map((l) => ({ path: join(dir, LINKS, l.name), kind: "link" as const, id: l.link.id })),
  ];
}

/**
 * Removes every pin under `dir`. Unlinking a pin file is what unpins it in
 * bpffs; libbpf's own unpin would use the staging path the pin was made under.
 */
export function unpinAll(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
