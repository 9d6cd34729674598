// Which enforce programs load on which kernel: the path_* hooks are the
// optional ones, every other hook is required.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BpfObject } from "../kernel/index.js";
import { bpfObjectPath } from "../paths.js";
import { ENFORCE_OBJECTS } from "./engine.js";
import { PATH_HOOKS, programLoads, type KernelShape } from "./kernel-shape.js";

const withPaths: KernelShape = {
  setattrDentryArg: 0,
  bpfVerdictArg: 3,
  pathHooks: new Set(PATH_HOOKS),
};
const withoutPaths: KernelShape = { ...withPaths, pathHooks: new Set() };

function sections(object: string): string[] {
  using obj = BpfObject.open(bpfObjectPath(object));
  return obj.programs().map((p) => p.section);
}

test("every path_* program of enforce_file is an optional hook, and there are some", () => {
  const paths = sections("enforce_file").filter((s) => s.startsWith("lsm/path_"));
  assert.deepEqual(paths.map((s) => s.slice("lsm/".length)).sort(), [...PATH_HOOKS].sort());
});

test("without CONFIG_SECURITY_PATH only the path_* programs stay out", () => {
  for (const object of ENFORCE_OBJECTS)
    for (const section of sections(object)) {
      assert.equal(programLoads(section, withPaths), true, section);
      assert.equal(programLoads(section, withoutPaths), !section.startsWith("lsm/path_"), section);
    }
});

test("a kernel that lacks one path hook leaves out that program only", () => {
  const noTruncate = {
    ...withPaths,
    pathHooks: new Set(PATH_HOOKS.filter((h) => h !== "path_truncate")),
  };
  assert.equal(programLoads("lsm/path_truncate", noTruncate), false);
  assert.equal(programLoads("lsm/path_chmod", noTruncate), true);
  assert.equal(programLoads("lsm/inode_setattr", noTruncate), true);
});
