// A port entry is a number or a "lo-hi" string, both within 1-65535.
export interface PortRange {
  readonly lo: number;
  readonly hi: number;
}

function port(text: string): number | null {
  if (!/^[1-9]\d{0,4}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

export function parsePortEntry(entry: number | string): PortRange | null {
  const text = String(entry).trim();
  const m = /^(\d+)\s*-\s*(\d+)$/.exec(text);
  if (m) {
    const lo = port(m[1] ?? "");
    const hi = port(m[2] ?? "");
    return lo !== null && hi !== null && lo <= hi ? { lo, hi } : null;
  }
  const p = port(text);
  return p === null ? null : { lo: p, hi: p };
}
