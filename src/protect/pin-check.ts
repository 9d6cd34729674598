// After sealing, what the pins hold must still be what this agent attached:
// between load and seal root could unpin a link (it then detaches when the
// agent lets go) or pin its own map in place of ours. Each pin is opened (the
// agent may) and must name the object id recorded at load; a link must still
// attach a program. Every difference is a problem naming the pin.
import { existsSync } from "node:fs";
import { BpfLink, BpfMap } from "../kernel/index.js";

export interface PinnedObject {
  readonly path: string;
  readonly kind: "map" | "link";
  /** The id the pin must name: the object this agent loaded or adopted. */
  readonly id: number;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function problemOf(p: PinnedObject): string | null {
  if (!existsSync(p.path)) return `${p.kind} ${p.path}: the pin is gone`;
  try {
    if (p.kind === "map") {
      using map = BpfMap.openPinned(p.path);
      const id = map.id;
      return id === p.id ? null : `map ${p.path}: pins map ${id}, expected ${p.id}`;
    }
    using link = BpfLink.openPinned(p.path);
    const id = link.id;
    if (id !== p.id) return `link ${p.path}: pins link ${id}, expected ${p.id}`;
    return link.programId === 0 ? `link ${p.path}: attaches no program` : null;
  } catch (e) {
    return `${p.kind} ${p.path}: ${errorText(e)}`;
  }
}

/** Problems with the pins, or [] when every one names its object and every link is attached. */
export function checkPins(expected: readonly PinnedObject[]): string[] {
  return expected.map(problemOf).filter((p): p is string => p !== null);
}
