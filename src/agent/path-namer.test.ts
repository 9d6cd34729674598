import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileKeyOf } from "../identity/file.js";
import { PathNamer } from "./path-namer.js";

test("a file deep in an indexed tree is named by its key; a file outside is not", () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "pw-namer-")));
  try {
    const deep = join(root, "tree", "a", "b");
    mkdirSync(deep, { recursive: true });
    const inside = join(deep, "secret");
    const outside = join(root, "elsewhere");
    writeFileSync(inside, "x");
    writeFileSync(outside, "y");
    const namer = new PathNamer();
    namer.indexTrees([join(root, "tree")]);
    assert.equal(namer.file(fileKeyOf(inside)), inside);
    assert.equal(namer.file(fileKeyOf(outside)), null);
    assert.equal(namer.file({ dev: 1, ino: 1n }), null, "a key nothing has");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("an executable is named from /proc/<pid>/exe, or from the binary directories", async () => {
  const namer = new PathNamer();
  const self = realpathSync(process.execPath);
  assert.equal(namer.exe(process.pid, fileKeyOf(self)), self);
  const sh = realpathSync("/bin/sh");
  const later = new PathNamer();
  await later.indexBinaries();
  const named = later.exe(2 ** 22 + 1, fileKeyOf(sh)); // no such pid
  assert.ok(named !== null && realpathSync(named) === sh, `named ${named}`);
});
