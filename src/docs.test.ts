// Architecture docs cite exact paths; a path that no longer exists fails here,
// so the docs cannot silently drift from the tree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./paths.js";

const docs = [
  "README.md",
  "examples/README.md",
  ...readdirSync(join(repoRoot, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const cited = /`((?:bpf|src|scripts|docs|examples|bench|redteam)\/[\w./-]+)`/g;

for (const doc of docs) {
  test(`paths cited in ${doc} exist`, () => {
    const text = readFileSync(join(repoRoot, doc), "utf8");
    const paths = [...text.matchAll(cited)].map((m) => m[1] ?? "");
    if (doc === "docs/architecture.md")
      assert.ok(paths.length > 10, "the architecture doc cites its paths");
    const missing = paths.filter((p) => !existsSync(join(repoRoot, p.replace(/\/$/, ""))));
    assert.deepEqual(missing, [], `${doc} cites paths that do not exist`);
  });
}
