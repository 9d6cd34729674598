// Parser for bpf_conformance `.data` vectors: sections introduced by
// `-- name` lines (asm, mem, raw, result, error; others are kept verbatim).

export interface ConformanceVector {
  readonly asm: string;
  /** input memory from the hex bytes of `-- mem` */
  readonly mem: Uint8Array | undefined;
  /** program slots from `-- raw`, as 64-bit words */
  readonly raw: readonly bigint[] | undefined;
  readonly result: bigint | undefined;
  readonly error: string | undefined;
}

export function parseSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | undefined;
  let body: string[] = [];
  const flush = () => {
    if (name !== undefined) sections.set(name, body.join("\n"));
  };
  for (const line of text.split("\n")) {
    const header = /^-- (.+?)\s*$/.exec(line);
    if (header) {
      flush();
      name = header[1] as string;
      body = [];
    } else if (name !== undefined) {
      body.push(line);
    }
  }
  flush();
  return sections;
}

export function parseVector(text: string): ConformanceVector {
  const s = parseSections(text);
  const mem = s.get("mem");
  const raw = s.get("raw");
  const result = s.get("result")?.trim();
  const error = s.get("error")?.trim();
  return {
    asm: s.get("asm") ?? "",
    mem: mem === undefined ? undefined : Uint8Array.from(words(mem).map((b) => parseInt(b, 16))),
    raw: raw === undefined ? undefined : words(raw).map((w) => BigInt(w)),
    result: result ? BigInt(result) : undefined,
    error: error || undefined,
  };
}

const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== "");
