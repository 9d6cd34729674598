// Where a field of the policy sits in its file. The yaml Document already
// indexes every node by byte range, so spans are computed on demand from a
// field path instead of being copied into a second tree (100,000 rules would
// mean millions of spans nobody reads).
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { Path, Span } from "./issue.js";

export interface SourceMap {
  readonly file: string;
  /** The span of the value at `path`, or of its nearest ancestor present in the file. */
  spanOf(path: Path): Span;
  /** Like spanOf, but for a mapping entry point at its key (unknown fields, missing values). */
  keySpanOf(path: Path): Span;
}

interface Found {
  node: Node | null;
  key: Node | null;
}

function step(node: Node, part: string | number): Found | null {
  if (isSeq(node) && typeof part === "number") {
    const item = node.items[part];
    return item ? { node: item as Node, key: null } : null;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = pair.key as Node | null;
      const name = isScalar(k) ? k.value : k;
      if (String(name) === String(part))
        return { node: (pair.value as Node | null) ?? null, key: k };
    }
  }
  return null;
}

function walk(doc: Document, path: Path): Found {
  let found: Found = { node: doc.contents as Node | null, key: null };
  for (const part of path) {
    if (found.node === null) break;
    const next = step(found.node, part);
    if (next === null) break;
    found = next.node === null ? { node: null, key: next.key } : next;
  }
  return found;
}

export function yamlSourceMap(file: string, doc: Document, lines: LineCounter): SourceMap {
  const span = (start: number, end: number): Span => {
    const a = lines.linePos(start);
    const b = lines.linePos(Math.max(start, end - 1));
    return { file, line: a.line, col: a.col, endLine: b.line, endCol: b.col };
  };
  const spanOfNode = (n: Node | null): Span => {
    const r = n?.range;
    return r ? span(r[0], r[1]) : span(0, 0);
  };
  return {
    file,
    spanOf: (path) => {
      const f = walk(doc, path);
      return spanOfNode(f.node ?? f.key);
    },
    keySpanOf: (path) => {
      const f = walk(doc, path);
      return spanOfNode(f.key ?? f.node);
    },
  };
}

/** The span of a byte range, for problems the YAML reader itself reports. */
export function rangeSpan(file: string, lines: LineCounter, pos: readonly [number, number]): Span {
  const a = lines.linePos(pos[0]);
  const b = lines.linePos(Math.max(pos[0], pos[1] - 1));
  return { file, line: a.line, col: a.col, endLine: b.line, endCol: b.col };
}
